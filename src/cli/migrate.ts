import { openStore } from '../server.js';
import type { SchemaReport } from '../store/index.js';
import type { AdminRun } from './admin.js';
import { parseCommandLine } from './args.js';

const USAGE = `usage: corpusgate migrate
  Brings the configured database's schema up to this corpusgate's version and exits, printing the
  version before and after. The gateway also migrates when it starts; this runs the same step on
  its own (e.g. before starting several processes, or in a deploy job). A database with a newer
  schema than this build knows is refused (exit 1) and left as it is.`;

/**
 * `corpusgate migrate`: opens the configured store as every command does (openStore runs its
 * migrations, whichever store it is) and closes it. The versions come from the store's report.
 */
export function migrateCommand(argv: string[]): AdminRun {
  parseCommandLine(argv, {}, USAGE);
  return async (config) => {
    const store = await openStore(config, 'forCommand');
    try {
      console.log(describe(store.schema));
    } finally {
      await store.close();
    }
  };
}

function describe(schema: SchemaReport | undefined): string {
  if (schema === undefined) return 'migrations ran (this store does not report its schema version)';
  const lines = [`schema version before: ${schema.before}`, `schema version after: ${schema.after}`];
  const applied = schema.after - schema.before;
  lines.push(applied === 0 ? 'up to date: no migration to apply' : `applied ${applied} migration${applied === 1 ? '' : 's'}`);
  return lines.join('\n');
}
