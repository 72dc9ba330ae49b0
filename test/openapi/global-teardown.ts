import fs from 'node:fs';
import path from 'node:path';
import type { RecordedResponse } from '../../scripts/openapi-check.js';

interface GlobalConfig {
  readonly testPathPatterns?: { patterns?: readonly string[] } | readonly string[];
  readonly nonFlagArgs?: readonly string[];
}

/**
 * After the whole suite: every response the tests received through the real app is checked
 * against the OpenAPI document; on the full suite, every documented operation must have been
 * answered with success at least once. A problem fails the run.
 */
export default async function globalTeardown(globalConfig: GlobalConfig): Promise<void> {
  const dir = process.env['CORPUSGATE_RESPONSE_LOG'];
  if (!dir || !fs.existsSync(dir)) return;
  const records: RecordedResponse[] = [];
  for (const file of fs.readdirSync(dir)) {
    for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) if (line) records.push(JSON.parse(line) as RecordedResponse);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  // Jest loads this file outside its module mapping, so the code comes from the build that
  // `npm test` makes first (the checker is scripts/openapi-check.ts).
  const { apiDocument } = (await import(new URL('../../dist/src/http/routes.js', import.meta.url).href)) as {
    apiDocument(): Record<string, unknown>;
  };
  const { checkResponses } = (await import(new URL('../../dist/scripts/openapi-check.js', import.meta.url).href)) as {
    checkResponses(doc: Record<string, unknown>, records: readonly RecordedResponse[]): { checked: number; problems: string[]; untested: string[] };
  };
  const result = checkResponses(apiDocument(), records);
  const wholeSuite = (globalConfig.nonFlagArgs ?? []).length === 0;
  const problems = [...result.problems, ...(wholeSuite ? result.untested.map((op) => `${op}: documented, never answered with success in the suite`) : [])];
  console.log(`\nopenapi: ${result.checked} responses checked against /openapi.json, ${problems.length} problems`);
  if (problems.length > 0) {
    throw new Error(`responses that /openapi.json does not describe:\n  - ${problems.slice(0, 50).join('\n  - ')}`);
  }
}
