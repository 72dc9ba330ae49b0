/**
 * `npm run bench`: measures the gateway in-process over 127.0.0.1 and prints one table.
 * No assertions on timings; exit 1 only when something unexpected happens (e.g. no 413).
 */
import crypto from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mintToken, type KeySource } from '../src/auth/index.js';
import { loadConfig, type Config } from '../src/config/index.js';
import { startServer } from '../src/server.js';
import { fileEnvelope, fmt, msSince, nowNs, post, report, runBench, type Answer, type Row, type Target } from './bench-kit.js';
import type { Store } from '../src/store/index.js';

const CUSTOMER = '123456';
const CORPUS = '151';
const UPLOAD_PATH = `/v1/upload?c=${CUSTOMER}&o=${CORPUS}`;
const BOUNDARY = '----corpusgate-bench-boundary';
const MiB = 1024 * 1024;


const rows: Row[] = [];
const problems: string[] = [];
/** Server-side byte counts per closed connection, keyed by the client's port. */
const serverBytes = new Map<number, { read: number; written: number }>();

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const envelope = (filename: string) => fileEnvelope(BOUNDARY, filename, 'application/octet-stream');

function baseHeaders(token: string): http.OutgoingHttpHeaders {
  return { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };
}

function upload(t: Target, filename: string, content: string): Promise<Answer> {
  const { head, tail } = envelope(filename);
  // One buffer, one write: the small uploads measured here go out in one segment.
  const body = Buffer.concat([head, Buffer.from(content, 'utf8'), tail]);
  return post(t, UPLOAD_PATH, { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, [body]);
}

function latencyRows(label: string, ms: readonly number[], note: string): void {
  rows.push([`${label} p50`, fmt(percentile(ms, 50)), 'ms', note], [`${label} p99`, fmt(percentile(ms, 99)), 'ms', note]);
}

/** n sequential uploads of file(i); ok(answer) says whether the answer was the expected one. */
async function benchSequential(t: Target, label: string, n: number, file: (i: number) => [string, string], ok: (a: Answer) => boolean): Promise<void> {
  const ms: number[] = [];
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const a = await upload(t, ...file(i));
    if (!ok(a)) bad++;
    ms.push(a.ms);
  }
  if (bad > 0) problems.push(`${label}: ${bad}/${n} answers were not the expected 200`);
  latencyRows(label, ms, `${n} sequential uploads`);
}

async function benchReplayVsFirst(t: Target, n: number): Promise<void> {
  const same: [string, string] = ['replay.txt', 'The same bytes, uploaded again and again.\n'];
  const seed = await upload(t, ...same);
  if (seed.status !== 200) problems.push(`replay seed upload answered ${seed.status}: ${seed.body}`);
  await benchSequential(t, 'replay (identical .txt)', n, () => same, (a) => a.status === 200 && a.body.includes('ALREADY_EXISTS'));
  const distinct = (i: number): [string, string] => [`doc-${i}.txt`, `Document number ${i}: ${'lorem ipsum dolor sit amet '.repeat(4)}\n`];
  await benchSequential(t, 'first upload (distinct .txt)', n, distinct, (a) => a.status === 200 && !a.body.includes('ALREADY_EXISTS'));
}

function benchDocument(n: number): string {
  const words = 'corpus gateway upload document section text index vector search ';
  const text = `Section of document ${n}. ${words.repeat(8)}`.slice(0, 500);
  return JSON.stringify({ documentId: `bench-${n}`, title: `Doc ${n}`, section: [{ text }] });
}

async function benchThroughput(t: Target, total: number, clients: number): Promise<void> {
  let next = 0;
  let non200 = 0;
  const ms: number[] = [];
  const worker = async (): Promise<void> => {
    for (let n = next++; n < total; n = next++) {
      const a = await upload(t, `bench-${n}.json`, benchDocument(n));
      if (a.status !== 200) non200++;
      ms.push(a.ms);
    }
  };
  const start = nowNs();
  await Promise.all(Array.from({ length: clients }, worker));
  const seconds = msSince(start) / 1000;
  if (non200 > 0) problems.push(`${non200}/${total} throughput uploads were not 200`);
  const note = `${total} distinct .json Documents, ${clients} concurrent clients`;
  rows.push(['throughput', fmt(total / seconds, 1), 'uploads/s', note]);
  latencyRows('throughput (.json Documents)', ms, note);
  rows.push(['throughput non-200 answers', String(non200), 'count', 'expected 0']);
}

interface OversizeResult { status: number; msTo413: number; clientBytes: number; error: string | null; server?: { read: number; written: number } }

/** Streams a multipart body with a `size`-byte file part until the server answers or errors. */
async function sendOversize(t: Target, size: number, declareLength: boolean): Promise<OversizeResult> {
  const { head, tail } = envelope('big.txt');
  const headers = baseHeaders(t.token);
  if (declareLength) headers['content-length'] = head.length + size + tail.length;
  const req = http.request({ host: '127.0.0.1', port: t.port, method: 'POST', path: UPLOAD_PATH, headers, agent: false });
  const result: OversizeResult = { status: 0, msTo413: NaN, clientBytes: 0, error: null };
  let socket: Socket | undefined;
  let localPort = 0;
  req.on('socket', (s) => {
    socket = s;
    s.once('connect', () => serverBytes.delete((localPort = s.localPort ?? 0))); // forget a reused port's old count
  });
  let stopped = false;
  let start = 0n;
  const stop = new Promise<void>((resolve) => {
    req.on('response', (res) => {
      Object.assign(result, { status: res.statusCode ?? 0, msTo413: msSince(start) });
      res.resume();
      stopped = true;
      resolve();
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      result.error ??= err.code ?? err.message; // EPIPE / ECONNRESET once the server closes
      stopped = true;
      resolve();
    });
  });
  const chunk = Buffer.alloc(64 * 1024, 'x');
  start = nowNs();
  const write = async (buf: Buffer): Promise<void> => {
    if (!req.write(buf)) await Promise.race([once(req, 'drain').catch(() => undefined), stop]);
  };
  await write(head);
  for (let sent = 0; sent < size && !stopped; sent += chunk.length) await write(chunk);
  if (!stopped) req.end(tail);
  await Promise.race([stop, sleep(30_000)]);
  result.clientBytes = socket?.bytesWritten ?? 0;
  req.destroy();
  for (let i = 0; i < 200 && !serverBytes.has(localPort); i++) await sleep(25); // the server socket's close
  result.server = serverBytes.get(localPort);
  return result;
}

async function benchOversize(t: Target, sizeMiB: number, maxUploadBytes: number): Promise<void> {
  for (const declareLength of [false, true]) {
    const r = await sendOversize(t, sizeMiB * MiB, declareLength);
    const mode = declareLength ? 'content-length' : 'chunked';
    const label = `${sizeMiB} MiB ${mode} →`;
    if (r.status !== 413) problems.push(`${sizeMiB} MiB ${mode} upload got status ${r.status} (error: ${r.error ?? 'none'}), expected 413`);
    const err = r.error === null ? 'no client error' : `client error ${r.error}`;
    rows.push(
      [`${label} status`, String(r.status), 'HTTP', err],
      [`${label} time to 413`, fmt(r.msTo413, 1), 'ms', 'first byte sent → response event'],
      [`${label} client wrote`, fmt(r.clientBytes / MiB), 'MiB', 'socket.bytesWritten (incl. headers/framing)'],
      [`${label} server read`, r.server ? fmt(r.server.read / MiB) : 'n/a', 'MiB', `socket.bytesRead; limit ${fmt(maxUploadBytes / MiB, 0)} MiB`],
      [`${label} server wrote`, r.server ? String(r.server.written) : 'n/a', 'bytes', 'socket.bytesWritten (the 413 answer)'],
    );
  }
}

function startRssSampler(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return { stop: () => (clearInterval(timer), Math.max(peak, process.memoryUsage().rss)) };
}


/** An in-process server bug must not hide the figures: record it (exit 1) and keep measuring. */
function recordUncaught(): void {
  process.on('uncaughtException', (err: Error) => {
    const where = err.stack?.split('\n')[1]?.trim() ?? '';
    problems.push(`uncaught exception (would crash a real gateway): ${err.name}: ${err.message} ${where}`);
  });
}

/** The real server (src/server.ts), counting bytes per connection for the figures. */
async function startBenchServer(config: Config): Promise<{ port: number; store: Store; keySource: KeySource; close(): Promise<void> }> {
  const running = await startServer(config);
  running.httpServer.on('connection', (s: Socket) => {
    const port = s.remotePort ?? 0;
    s.on('close', () => serverBytes.set(port, { read: s.bytesRead, written: s.bytesWritten }));
  });
  const close = async (): Promise<void> => {
    running.httpServer.closeAllConnections();
    await running.close();
  };
  return { port: running.port, store: running.store, keySource: running.keySource, close };
}

const postJson = (t: Target, path: string, body: unknown): Promise<Answer> =>
  post(t, path, { 'customer-id': CUSTOMER, 'content-type': 'application/json' }, [Buffer.from(JSON.stringify(body))]);

/**
 * Operators' reads on a corpus of `extra` more documents (stored directly, half with
 * {"lang":"fr"}): paging through all of it 1,000 ids at a time, the same with a metadata filter,
 * and deleting documents one by one.
 */
async function benchListing(t: Target, store: Store, extra: number): Promise<void> {
  for (let i = 0; i < extra; i++) {
    const id = `listed-${String(i).padStart(6, '0')}`;
    await store.putIfAbsent({
      key: { customerId: CUSTOMER, corpusId: CORPUS, documentId: id }, contentHash: id, uploadHash: id, document: { bytes: new Uint8Array([10, 1, 120]), encoding: 'identity' },
      title: '', metadataJson: JSON.stringify({ lang: i % 2 ? 'fr' : 'en', n: i }), charge: { numChars: 1, numMetadataChars: 1 },
      provenance: { sourceSha256: '0'.repeat(64), sourceSize: 1, sourceFormat: 'bench', uploader: 'bench', extractor: 'bench', extractionMs: 0 },
    }, () => {}); // the bench's corpus has no limits
  }
  const pageThrough = async (filter?: string): Promise<{ ms: number[]; ids: number }> => {
    const ms: number[] = [];
    let ids = 0;
    let pageKey = '';
    do {
      const a = await postJson(t, '/v1/list-documents', { corpusId: CORPUS, numResults: 1000, pageKey, ...(filter ? { metadataFilter: filter } : {}) });
      if (a.status !== 200) problems.push(`list-documents answered ${a.status}: ${a.body.slice(0, 200)}`);
      const page = JSON.parse(a.body) as { document: unknown[]; nextPageKey: string };
      ids += page.document.length;
      pageKey = page.nextPageKey;
      ms.push(a.ms);
    } while (pageKey !== '' && ms.length < 1000);
    return { ms, ids };
  };
  const all = await pageThrough();
  latencyRows('list-documents page of 1,000', all.ms, `${all.ids} documents in ${all.ms.length} pages`);
  const fr = await pageThrough("doc.lang = 'fr'");
  latencyRows("list-documents page, doc.lang = 'fr'", fr.ms, `${fr.ids} matching in ${fr.ms.length} pages (json_extract per row)`);
  const deletes: number[] = [];
  for (let i = 0; i < 500; i++) {
    const a = await postJson(t, '/v1/delete-doc', { corpusId: CORPUS, documentId: `listed-${String(i).padStart(6, '0')}` });
    if (a.status !== 200) problems.push(`delete-doc answered ${a.status}`);
    deletes.push(a.ms);
  }
  latencyRows('delete-doc', deletes, '500 sequential deletes (charge given back in the same transaction)');
}

async function main(): Promise<number> {
  recordUncaught();
  const rss = startRssSampler();
  const cpus = os.cpus();
  console.log(`corpusgate bench — Node ${process.version}, ${cpus.length} CPU(s) × ${cpus[0]?.model ?? 'unknown'}, ${new Date().toISOString()}\n`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-bench-'));
  const config = loadConfig({ DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', JWT_SECRET: crypto.randomBytes(36).toString('base64url'), LOG_LEVEL: 'warn' });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const server = await startBenchServer(config);
  try {
    await server.store.createCorpus({ customerId: CUSTOMER, corpusId: CORPUS, name: 'bench' });
    const token = await mintToken(server.keySource, config.jwt, { customerId: CUSTOMER, ttlSeconds: 3600 });
    const t: Target = { port: server.port, token, agent };
    await benchReplayVsFirst(t, 500);
    await benchOversize(t, 300, config.maxUploadBytes);
    await benchThroughput(t, 2000, 16);
    await benchListing(t, server.store, 20_000);
  } finally {
    agent.destroy();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  rows.push(['peak RSS', fmt(rss.stop() / MiB, 1), 'MiB', 'process.memoryUsage().rss, sampled every 50 ms']);
  return report(rows, problems);
}

runBench(main);
