import fs from 'node:fs';
import path from 'node:path';
import { GOLDEN_DIR, GOLDEN_FIXTURES, goldenText } from '../scripts/golden.js';

/** Extraction of the generated fixtures equals the checked-in golden files (npm run golden). */
describe('golden files', () => {
  it.each(Object.keys(GOLDEN_FIXTURES))('%s extracts to its golden file in fixtures/expected/', async (name) => {
    const expected = fs.readFileSync(path.join(GOLDEN_DIR, `${name}.txtpb`), 'utf8');
    const actual = await goldenText(name, GOLDEN_FIXTURES[name]!());
    // On a difference: `npm run golden`, then read the diff before committing it.
    expect(actual).toBe(expected);
  });
});
