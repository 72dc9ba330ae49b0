import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const POOL = path.resolve('dist/src/extract/index.js');

/**
 * Closing the extraction pool while its workers are still loading must not take the process
 * down (it did: a V8 fatal error in require(esm) of a terminated worker, see src/extract/pool.ts).
 * In a child process, so that an abort fails this test instead of the test runner. Before the fix
 * this script aborted in 2 of 3 runs, usually within its first second.
 */
describe('the extraction pool', () => {
  it('can be closed while its workers start, again and again, without aborting the process', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-pool-'));
    const script = path.join(dir, 'close-pools.mjs');
    fs.writeFileSync(
      script,
      `import { createExtractionPool } from ${JSON.stringify(POOL)};
      for (let i = 0; i < 200; i++) {
        const pool = createExtractionPool({ workers: 2, timeoutMs: 60000, maxHeapMb: 512, maxBufferMb: 256, queueMax: 64, pdfEngine: "auto", ocr: "auto", ocrMaxPages: 50, ocrMaxMegapixels: 40, ocrTimeoutMs: 120000 });
        await new Promise((resolve) => setTimeout(resolve, (i * 7) % 120));
        await pool.close();
      }
      console.log('closed 200 pools');\n`,
    );
    try {
      const { stdout } = await run(process.execPath, [script], { timeout: 120_000 });
      expect(stdout).toContain('closed 200 pools');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
