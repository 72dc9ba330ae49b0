import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Gives the test workers (started after this) a fresh directory for their response logs. */
export default function globalSetup(): void {
  process.env['CORPUSGATE_RESPONSE_LOG'] = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-responses-'));
}
