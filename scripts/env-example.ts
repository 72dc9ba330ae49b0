/**
 * Writes .env.example from the configuration schema (src/config/schema.ts), so the two cannot
 * drift: `npm run env-example`. test/docs.test.ts fails when the committed file is stale.
 */
import fs from 'node:fs';
import { VARIABLES } from '../src/config/schema.js';

export function renderEnvExample(): string {
  const lines = ['# corpusgate configuration. Every variable is optional; the values shown are the defaults.', ''];
  for (const v of VARIABLES) {
    lines.push(`# ${v.description}`, `${v.default === undefined ? '# ' : ''}${v.name}=${v.default ?? ''}`, '');
  }
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('env-example.js')) fs.writeFileSync('.env.example', renderEnvExample());
