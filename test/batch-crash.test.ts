import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { simpleDocx, textPdf } from '../scripts/fixtures.js';
import { freePort } from './helpers/ports.js';
import { waitFor } from './helpers/wait.js';

/**
 * A gateway killed with SIGKILL in the middle of a batch (issue 14): a second gateway on the same
 * DATA_DIR finishes every job — those queued, and those the dead one held once their lease (a
 * short JOB_LEASE_MS) ran out — with each Document stored once and charged once.
 */
const CLI = path.resolve('dist/src/cli/index.js');
const CUSTOMER = '123456';
const CORPUS = '151';
const FILES = 50;

let dataDir: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-crash-'));
});
afterAll(async () => {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const env = () => ({
  PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir, HOST: '127.0.0.1', JOB_LEASE_MS: '2000', EXTRACT_WORKERS: '1', LOG_LEVEL: 'warn',
});

async function cli(...args: string[]): Promise<string> {
  return (await promisify(execFile)(process.execPath, [CLI, ...args], { env: env(), cwd: dataDir })).stdout.trim();
}

/** `corpusgate serve` in a child process; resolves with its base URL once it listens. */
async function serve(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'serve'], { env: { ...env(), PORT: String(port) }, cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/^echo .*curl .*$/m.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

/** Small real files of the three kinds, each different: text, PDF, DOCX. */
function batchForm(): FormData {
  const form = new FormData();
  for (let i = 0; i < FILES; i++) {
    const [bytes, name] = i % 3 === 0 ? [textPdf(2, `Crash test PDF ${i}`), `f${i}.pdf`]
      : i % 3 === 1 ? [simpleDocx([], undefined), `f${i}.docx`]
      : [Buffer.from(`Crash test text file number ${i}.\n`.repeat(20)), `f${i}.txt`];
    form.append('files', new Blob([new Uint8Array(bytes)]), name);
  }
  return form;
}

describe('a gateway killed with SIGKILL in the middle of a batch', () => {
  it('leaves every job done or failed, each Document stored and charged once, after a restart', async () => {
    await cli('corpus', 'create', '--customer', CUSTOMER, '--corpus', CORPUS, '--name', 'crash');
    const key = await cli('apikey', 'create', '--customer', CUSTOMER, '--corpus', CORPUS, '--role', 'extractions');
    const db = new Database(path.join(dataDir, 'corpusgate.db'), { readonly: true, fileMustExist: true });
    try {
      const count = (status: string) => (db.prepare('SELECT COUNT(*) FROM jobs WHERE status = ?').pluck().get(status) as number);
      const first = await serve();
      // Watched from before the upload: the gateway starts on the jobs as soon as they are committed.
      // Killed once some Documents are stored (and charged) and many jobs wait: one worker takes
      // tens of milliseconds a file, the watch looks every 20 ms.
      const midway = waitFor(() => count('done') >= 5 && count('queued') >= 5, 60_000, 'some jobs done and some queued');
      const res = await fetch(`${first.url}/api/v1/upload`, { method: 'POST', headers: { 'X-API-Key': key }, body: batchForm() });
      expect(res.status).toBe(200);
      const ids = (await res.json()) as string[];
      expect(ids).toHaveLength(FILES);
      await midway;
      const exited = new Promise((resolve) => first.child.once('exit', resolve));
      first.child.kill('SIGKILL');
      await exited;
      expect(count('queued')).toBeGreaterThan(0);
      const heldByTheDead = db.prepare("SELECT job_id FROM jobs WHERE status = 'processing'").pluck().all() as string[];

      await serve();
      await waitFor(() => count('queued') + count('processing') === 0, 120_000, 'every job finished after the restart');
      expectConsistent(db, ids);
      // A job the dead process held was taken again once its lease ran out: that attempt counted.
      for (const id of heldByTheDead) expect(db.prepare('SELECT attempts FROM jobs WHERE job_id = ?').pluck().get(id)).toBe(2);
    } finally {
      db.close();
    }
  }, 240_000);
});

/** Every job done or failed; one Document per done job, none other; the corpus charged exactly for them. */
function expectConsistent(db: Database.Database, ids: readonly string[]): void {
  const jobs = db.prepare('SELECT job_id, status, error_code FROM jobs ORDER BY seq').all() as { job_id: string; status: string; error_code: string | null }[];
  expect(jobs.map((j) => j.job_id)).toEqual(ids);
  for (const job of jobs) expect(['done', 'failed']).toContain(job.status);
  const documents = db.prepare('SELECT document_id, num_chars, num_metadata_chars FROM documents WHERE customer_id = ? AND corpus_id = ?')
    .all(CUSTOMER, CORPUS) as { document_id: string; num_chars: number; num_metadata_chars: number }[];
  const done = jobs.filter((j) => j.status === 'done').map((j) => j.job_id).sort();
  // document_id is unique per corpus: one row per id, and the ids are exactly the done jobs'.
  expect(documents.map((d) => d.document_id).sort()).toEqual(done);
  // Small valid files: none should fail; a failure would name its code here.
  expect(jobs.filter((j) => j.status === 'failed').map((j) => j.error_code)).toEqual([]);
  const usage = db.prepare('SELECT used_chars, used_metadata_chars, used_docs FROM corpora WHERE customer_id = ? AND corpus_id = ?')
    .get(CUSTOMER, CORPUS) as { used_chars: number; used_metadata_chars: number; used_docs: number };
  expect(usage).toEqual({
    used_docs: documents.length,
    used_chars: documents.reduce((sum, d) => sum + d.num_chars, 0),
    used_metadata_chars: documents.reduce((sum, d) => sum + d.num_metadata_chars, 0),
  });
}
