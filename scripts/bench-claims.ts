/**
 * How long a batch job claim takes with a long queue: 10,000 queued jobs (of 1, 2, 100 customers,
 * and of 2,000 customers with five each), 200 claims, median/p95/max. A claim runs on the event
 * loop (better-sqlite3 is synchronous), so it must stay short whatever the queue's length.
 * `npm run build --silent && node dist/scripts/bench-claims.js`; prints one line per shape.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore, type NewJob } from '../src/store/index.js';

const QUEUED = 10_000;
const CLAIMS = 200;

async function measure(customers: number): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-claims-'));
  const store = await openSqliteStore({ file: path.join(dir, 'corpusgate.db'), backgroundCheckpoint: false });
  try {
    for (let c = 0; c < customers; c++) await store.createCorpus({ customerId: String(100 + c), corpusId: '1', name: 'bench' });
    for (let n = 0; n < QUEUED; n += 100) {
      const jobs: NewJob[] = Array.from({ length: 100 }, (_, i) => ({
        customerId: String(100 + ((n + i) % customers)), corpusId: '1', jobId: `job-${n + i}`,
        filename: 'f.txt', sha256: 'a'.repeat(64), size: 1, uploader: 'bench',
      }));
      await store.createJobs(jobs);
    }
    const times: number[] = [];
    for (let i = 0; i < CLAIMS; i++) {
      const start = process.hrtime.bigint();
      if (!(await store.claimJob(60_000))) throw new Error('the queue ran dry');
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    times.sort((a, b) => a - b);
    const ms = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2);
    return `${QUEUED} queued, ${customers} customer(s): claim median ${ms(0.5)} ms, p95 ${ms(0.95)} ms, max ${ms(1)} ms`;
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

for (const customers of [1, 2, 100, 2000]) console.log(await measure(customers));
