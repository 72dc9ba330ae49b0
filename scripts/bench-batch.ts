/**
 * Part 3 of `npm run bench`: the batch upload route (POST /api/v1/upload) and OCR, in-process
 * over 127.0.0.1 with the real server, store and extraction pool. Prints one table; exits 1 only
 * when an answer is not the expected one. No assertions on timings.
 *
 * Figures: a batch of 100 small PDFs in one request (time to the 200, time until every job is
 * done, and the same 100 PDFs through /v1/upload at 2 concurrent clients for comparison); OCR
 * seconds per page (a scanned Letter page, a PNG screenshot of text); customer B's single file,
 * upload to done, alone and while customer A's batch of 100 drains.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { EXTRACTIONS_SCOPE, WRITE_SCOPE, mintToken } from '../src/auth/index.js';
import { loadConfig } from '../src/config/index.js';
import { startServer, type RunningServer } from '../src/server.js';
import { fmt, msSince, nowNs, post, report, runBench, type Answer, type Row, type Target } from './bench-kit.js';
import { scannedPdf, textPdf, textPng } from './fixtures.js';

const BOUNDARY = '----corpusgate-bench-batch';
const rows: Row[] = [];
const problems: string[] = [];
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Customer { readonly customerId: string; readonly corpusId: string; readonly t: Target }

/** One multipart body with a `files` part per file. */
function batchBody(files: readonly { name: string; bytes: Buffer }[]): Buffer {
  const parts = files.flatMap(({ name, bytes }) => [
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    bytes,
    Buffer.from('\r\n'),
  ]);
  return Buffer.concat([...parts, Buffer.from(`--${BOUNDARY}--\r\n`)]);
}

async function batchUpload(c: Customer, files: readonly { name: string; bytes: Buffer }[]): Promise<{ ids: string[]; answer: Answer }> {
  const answer = await post(c.t, '/api/v1/upload', { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, [batchBody(files)]);
  if (answer.status !== 200) {
    problems.push(`batch upload answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    return { ids: [], answer };
  }
  return { ids: JSON.parse(answer.body) as string[], answer };
}

/** Resolves when every job is done or failed (read from the store every 20 ms), with failures counted. */
async function settled(server: RunningServer, c: Customer, ids: readonly string[]): Promise<void> {
  const pending = new Set(ids);
  const deadline = Date.now() + 15 * 60_000;
  while (pending.size > 0 && Date.now() < deadline) {
    for (const id of [...pending]) {
      const job = await server.store.getJob({ customerId: c.customerId, corpusId: c.corpusId }, id);
      if (job?.status === 'done') pending.delete(id);
      else if (job?.status === 'failed') (pending.delete(id), problems.push(`job ${id} failed: ${job.error?.code} ${job.error?.detail}`));
    }
    if (pending.size > 0) await sleep(20);
  }
  if (pending.size > 0) problems.push(`${pending.size} jobs not finished after 15 minutes`);
}

const smallPdfs = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ name: `${tag}-${i}.pdf`, bytes: textPdf(2, `${tag} document ${i} ${crypto.randomUUID()}`) }));

/** `files` through /v1/upload at 2 concurrent clients (the pool's size here). */
async function syncUploads(a: Customer, sync: readonly { name: string; bytes: Buffer }[]): Promise<void> {
  let next = 0;
  await Promise.all([0, 1].map(async () => {
    for (let i = next++; i < sync.length; i = next++) {
      const body = batchBody([sync[i]!]).toString('latin1').replace('name="files"', 'name="file"');
      const r = await post(a.t, `/v1/upload?c=${a.customerId}&o=${a.corpusId}`, { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, [Buffer.from(body, 'latin1')]);
      if (r.status !== 200) problems.push(`sync upload answered ${r.status}: ${r.body.slice(0, 200)}`);
    }
  }));
}

/** 100 small PDFs through /v1/upload, after 10 that start the workers (loading PDFium). */
async function benchSync(a: Customer): Promise<number> {
  await syncUploads(a, smallPdfs(10, 'warm'));
  const start = nowNs();
  await syncUploads(a, smallPdfs(100, 'sync'));
  const ms = msSince(start);
  rows.push(['100 PDFs via /v1/upload, 2 clients', fmt(ms, 0), 'ms', 'the same kind of files through the synchronous route, workers warm']);
  return ms;
}

async function benchBatch(server: RunningServer, a: Customer): Promise<void> {
  const syncMs = await benchSync(a);
  const files = smallPdfs(100, 'batch');
  const start = nowNs();
  const { ids, answer } = await batchUpload(a, files);
  await settled(server, a, ids);
  const all = msSince(start);
  const note = `100 two-page PDFs (${fmt(files.reduce((n, f) => n + f.bytes.length, 0) / 1024, 0)} KiB) in one request`;
  rows.push(
    ['batch of 100 PDFs: time to 200', fmt(answer.ms, 1), 'ms', note],
    ['batch of 100 PDFs: time to all done', fmt(all, 0), 'ms', note],
    ['batch all-done / synchronous', fmt(all / syncMs), '×', 'lower is better'],
  );
}

async function benchOcr(server: RunningServer, a: Customer): Promise<void> {
  const cases: [string, Buffer][] = [['scan.pdf', await scannedPdf()], ['text.png', await textPng()]];
  for (const [name, bytes] of cases) {
    const ms: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = nowNs();
      const { ids } = await batchUpload(a, [{ name: `${i}-${name}`, bytes: Buffer.concat([bytes, Buffer.from(`\n%${i}\n`)]) }]);
      await settled(server, a, ids);
      ms.push(msSince(start));
    }
    ms.sort((x, y) => x - y);
    const what = name.endsWith('.pdf') ? 'a Letter page rendered at 300 dpi, then recognised' : '1400 px wide PNG of two text lines';
    rows.push([`OCR ${name}: seconds per page`, fmt(ms[1]! / 1000), 's', `median of 3, upload to done (the first loads the model); ${what}`]);
  }
}

async function benchFairness(server: RunningServer, a: Customer, b: Customer): Promise<void> {
  const single = async (tag: string): Promise<number> => {
    const start = nowNs();
    const { ids } = await batchUpload(b, smallPdfs(1, tag));
    await settled(server, b, ids);
    return msSince(start);
  };
  const alone = await single('alone');
  const { ids } = await batchUpload(a, smallPdfs(100, 'drain'));
  const busy = await single('busy');
  await settled(server, a, ids);
  rows.push(
    ["customer B's one file, upload to done, idle", fmt(alone, 1), 'ms', 'nothing else queued'],
    ["customer B's one file while A's 100 drain", fmt(busy, 1), 'ms', "B sent just after A's batch of 100 was accepted"],
  );
}

async function customer(server: RunningServer, config: ReturnType<typeof loadConfig>, customerId: string, corpusId: string, agent: http.Agent): Promise<Customer> {
  await server.store.createCorpus({ customerId, corpusId, name: `bench ${customerId}` });
  const token = await mintToken(server.keySource, config.jwt, { customerId, corpusIds: [corpusId], scope: `${EXTRACTIONS_SCOPE} ${WRITE_SCOPE}`, ttlSeconds: 3600 });
  return { customerId, corpusId, t: { port: server.port, token, agent } };
}

async function main(): Promise<number> {
  console.log(`\ncorpusgate bench, batch route and OCR — ${os.cpus().length} CPU(s), ${new Date().toISOString()}\n`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-bench-batch-'));
  const config = loadConfig({ DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', JWT_SECRET: crypto.randomBytes(36).toString('base64url'), LOG_LEVEL: 'warn', DEMO_SEED: 'false' });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const server = await startServer(config);
  try {
    const a = await customer(server, config, '1001', '1', agent);
    const b = await customer(server, config, '1002', '1', agent);
    await benchBatch(server, a);
    await benchOcr(server, a);
    await benchFairness(server, a, b);
  } finally {
    agent.destroy();
    server.httpServer.closeAllConnections();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  rows.push(['extraction workers', String(config.extract.workers), 'count', 'EXTRACT_WORKERS']);
  return report(rows, problems);
}

runBench(main);
