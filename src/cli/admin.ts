import { LOCAL_OPERATOR, mintToken, parseTtl, resolveKeySource } from '../auth/index.js';
import type { Config } from '../config/index.js';
import { UNLIMITED, type StoredLimit } from '../quota/index.js';
import { ensureCorpus, setQuota, showQuota } from '../usecases/index.js';
import { corpusIdOption, customerIdOption, parseCommandLine, pickSubcommand, UsageError } from './args.js';
import { withLocalUseCases } from './local-use-cases.js';

const TOKEN_USAGE = `usage: corpusgate token --customer C [--corpus O …] [--ttl 1h] [--scope "…"] [--subject S]
  Mints a JWT signed with the configured secret or private key (JWT_SECRET, or the development
  secret under DATA_DIR) and prints it. --corpus (repeatable) limits it to those corpora; --ttl is
  a duration (30m, 12h, 7d; default 1h); --scope replaces the default scopes.`;
const CORPUS_USAGE = `usage: corpusgate corpus create --customer C --corpus O --name N
  Creates the corpus (and its customer) if it does not exist.`;
const QUOTA_USAGE = `usage: corpusgate quota set --customer C [--corpus O] [--chars N|unlimited|default] [--docs N|unlimited|default]
       corpusgate quota show --customer C [--corpus O]
  Limits of the customer, or of one of its corpora. "default" goes back to the configured default
  (CUSTOMER_MAX_*, CORPUS_MAX_*); "unlimited" lifts the limit.`;

/** What an admin command does once its options are read: run on the configuration. */
export type AdminRun = (config: Config) => Promise<void>;

/** `corpusgate token --customer C [--corpus O …] [--ttl 1h] [--scope "…"]` */
export function tokenCommand(argv: string[]): AdminRun {
  const o = parseCommandLine(argv, {
    customer: { type: 'string' },
    corpus: { type: 'string', multiple: true },
    ttl: { type: 'string' },
    scope: { type: 'string' },
    subject: { type: 'string' },
  }, TOKEN_USAGE).values;
  const claims = {
    customerId: customerIdOption(o.customer as string | undefined),
    corpusIds: ((o.corpus as string[] | undefined) ?? []).map(corpusIdOption),
    ttlSeconds: parseTtl((o.ttl as string | undefined) ?? '1h'),
    ...(o.scope !== undefined ? { scope: o.scope as string } : {}),
    ...(o.subject !== undefined ? { subject: o.subject as string } : {}),
  };
  return async (config) => console.log(await mintToken(resolveKeySource(config), config.jwt, claims));
}

/** `corpusgate corpus create --customer C --corpus O --name N` */
export function corpusCommand(argv: string[]): AdminRun {
  const [sub, ...rest] = argv;
  pickSubcommand(sub, { create: true }, CORPUS_USAGE);
  const o = parseCommandLine(rest, { customer: { type: 'string' }, corpus: { type: 'string' }, name: { type: 'string' } }, CORPUS_USAGE).values;
  const ref = { customerId: customerIdOption(o.customer as string | undefined), corpusId: corpusIdOption(o.corpus as string | undefined) };
  const name = (o.name as string | undefined)?.trim();
  if (!name) throw new UsageError('--name is required');
  return async (config) => {
    const { created } = await withLocalUseCases(config, (deps) => ensureCorpus(deps, LOCAL_OPERATOR, { ...ref, name }));
    console.log(created ? `created corpus ${ref.corpusId} for customer ${ref.customerId}` : `corpus ${ref.corpusId} of customer ${ref.customerId} already exists`);
  };
}

/**
 * `corpusgate quota set --customer C [--corpus O] [--chars N|unlimited|default] [--docs …]`
 * `corpusgate quota show --customer C [--corpus O]`
 */
export function quotaCommand(argv: string[]): AdminRun {
  const [sub, ...rest] = argv;
  pickSubcommand(sub, { set: true, show: true }, QUOTA_USAGE);
  const o = parseCommandLine(rest, { customer: { type: 'string' }, corpus: { type: 'string' }, chars: { type: 'string' }, docs: { type: 'string' } }, QUOTA_USAGE).values;
  const ref = {
    customerId: customerIdOption(o.customer as string | undefined),
    ...(o.corpus !== undefined ? { corpusId: corpusIdOption(o.corpus as string) } : {}),
  };
  const what = ref.corpusId === undefined ? `customer ${ref.customerId}` : `corpus ${ref.corpusId} of customer ${ref.customerId}`;
  const chars = limitOption(o.chars as string | undefined, '--chars');
  const docs = limitOption(o.docs as string | undefined, '--docs');
  if (sub === 'set' && chars === undefined && docs === undefined) throw new UsageError('give --chars and/or --docs');
  const update = { ...(chars !== undefined ? { maxChars: chars } : {}), ...(docs !== undefined ? { maxDocs: docs } : {}) };
  return async (config) => {
    const { usage, inForce } = await withLocalUseCases(config, (deps) =>
      sub === 'set' ? setQuota(deps, LOCAL_OPERATOR, ref, update) : showQuota(deps, LOCAL_OPERATOR, ref),
    );
    console.log(
      `${what}: chars ${usage.usedChars} of ${inForce.maxChars ?? 'unlimited'} (text ${usage.usedTextChars}, metadata ${usage.usedMetadataChars}); ` +
        `documents ${usage.usedDocs} of ${inForce.maxDocs ?? 'unlimited'}`,
    );
  };
}

function limitOption(value: string | undefined, name: string): StoredLimit | undefined {
  if (value === undefined) return undefined;
  if (value === 'unlimited') return UNLIMITED;
  if (value === 'default') return null;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new UsageError(`${name} must be a number, "unlimited" or "default"`);
  return Number(value);
}
