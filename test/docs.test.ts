import fs from 'node:fs';
import { VARIABLES } from '../src/config/index.js';
import { STATUS_BY_CODE } from '../src/http/error-status.js';
import { renderEnvExample } from '../scripts/env-example.js';

const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The README from `start` up to the next blank line after a table, or the next heading. */
function section(start: string): string {
  const from = readme.indexOf(start);
  expect(from).toBeGreaterThanOrEqual(0);
  const rest = readme.slice(from + start.length);
  const end = rest.search(/\n\n(?!\|)|\n## /);
  return start + (end < 0 ? rest : rest.slice(0, end));
}

describe('documentation stays true to the code', () => {
  it('lists every error code in the README error table, and no stale ones', () => {
    const table = section('| internalCode | HTTP | when |');
    const documented = new Set([...table.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => `${m[1]} ${m[2]}`));
    const actual = new Set(Object.entries(STATUS_BY_CODE).map(([code, status]) => `${code} ${status}`));
    expect([...documented].sort()).toEqual([...actual].sort());
  });

  it('documents every environment variable in the README and .env.example', () => {
    const envExample = fs.readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    expect(envExample).toBe(renderEnvExample());
    for (const v of VARIABLES) expect(readme).toContain(`| \`${v.name}\` |`);
    const readmeVariables = [...section('| variable | default | meaning |').matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(readmeVariables.sort()).toEqual(VARIABLES.map((v) => v.name).sort());
  });
});
