/**
 * `npm run bench`, part 2: PDF extraction through the in-process gateway (127.0.0.1) against bare
 * pdf.js in this thread and pdftotext, over ../shared/corpus. Prints one table; no timed
 * assertions; exit 1 only when something unexpected happens (e.g. a good PDF does not get 200).
 */
import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { mintToken } from '../src/auth/index.js';
import { loadConfig } from '../src/config/index.js';
import { startServer } from '../src/server.js';
import { fileEnvelope, fmt, msSince, nowNs, post, printTable, type Answer, type Row, type Target } from './bench-kit.js';
import { pdf, textPage } from './fixtures.js';

const CUSTOMER = '123456';
const CORPUS = '151';
const UPLOAD_PATH = `/v1/upload?c=${CUSTOMER}&o=${CORPUS}`;
const BOUNDARY = '----corpusgate-bench-extraction-boundary';
const CORPUS_DIR = path.resolve(process.cwd(), '..', 'shared', 'corpus');
const PDFJS_DIR = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const MB = 1_000_000;
const BIG_FILE_BYTES = 100_000; // figure 1 takes the PDFs larger than this
const TIMED_RUNS = 3; // after one untimed warm-up round
const THROUGHPUT_PASSES = 2; // the corpus list, this many times over
const CLIENTS = 2;
const MEMORY_UPLOADS = 8;
const MEMORY_PDF_BYTES = 10_000_000; // the generated PDF stays just under this
const PDFTOTEXT_SKIP = new Set(['pdfjs__bomb_giant.pdf']); // pdftotext hangs on it

interface ManifestFile { readonly file: string; readonly kind: string; readonly expect: { readonly ok: boolean } }
interface CorpusPdf { readonly name: string; readonly file: string; readonly bytes: Buffer }

const rows: Row[] = [];
const problems: string[] = [];
let uploads = 0;

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const geomean = (xs: readonly number[]): number => Math.exp(sum(xs.map(Math.log)) / xs.length);
const uniqueName = (file: string): string => `${++uploads}-${file}`;

function loadCorpus(): CorpusPdf[] | null {
  const manifest = path.join(CORPUS_DIR, 'MANIFEST.json');
  if (!fs.existsSync(manifest)) return null;
  const { files } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { files: ManifestFile[] };
  return files
    .filter((f) => f.kind === 'pdf' && f.expect.ok)
    .map((f) => ({ name: f.file, file: path.join(CORPUS_DIR, f.file), bytes: fs.readFileSync(path.join(CORPUS_DIR, f.file)) }));
}

/** Exactly the options of src/extract/pdf.ts. */
const PDFJS_OPTIONS = {
  isEvalSupported: false, enableXfa: false, disableFontFace: true, useSystemFonts: false,
  cMapUrl: path.join(PDFJS_DIR, 'cmaps') + path.sep, cMapPacked: true,
  standardFontDataUrl: path.join(PDFJS_DIR, 'standard_fonts') + path.sep,
  isOffscreenCanvasSupported: false, stopAtErrors: false, verbosity: 0,
} as const;

// Loaded after the memory phase: the gateway's main thread never loads pdf.js, and importing it
// here first added ~36 MB to the RSS charged to the gateway (measured 46 -> 82 MB at start-up).
let pdfjs: Promise<typeof import('pdfjs-dist/legacy/build/pdf.mjs')> | null = null;

/** What src/extract/pdf.ts does with pdf.js, minus the gateway's own work: every page's text. */
async function barePdfjs(bytes: Buffer): Promise<number> {
  const { getDocument } = await (pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs'));
  const start = nowNs();
  const doc = await getDocument({ data: new Uint8Array(bytes), ...PDFJS_OPTIONS }).promise; // a copy: pdf.js detaches it
  for (let n = 1; n <= doc.numPages; n++) await (await doc.getPage(n)).getTextContent();
  await doc.destroy();
  return msSince(start);
}

/**
 * Each function's median (ms) over TIMED_RUNS timed rounds after one untimed round; within a round
 * the functions alternate, so that a noisy machine slows all of them alike.
 */
async function warmMedians(runs: readonly (() => Promise<number>)[]): Promise<number[]> {
  const ms = runs.map((): number[] => []);
  for (let round = 0; round <= TIMED_RUNS; round++) {
    for (const [i, run] of runs.entries()) {
      const took = await run();
      if (round > 0) ms[i]?.push(took);
    }
  }
  return ms.map(median);
}

/** POSTs one multipart file part; the file's bytes are written as they are, never copied. */
function upload(t: Target, filename: string, bytes: Buffer): Promise<Answer> {
  const { head, tail } = fileEnvelope(BOUNDARY, filename, 'application/pdf');
  const headers = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };
  return post(t, UPLOAD_PATH, headers, [head, bytes, tail], { ms: 120_000, what: filename });
}

/** Uploads a good PDF under a fresh name (so it is really extracted); anything but 200 is a problem. */
async function uploadGood(t: Target, name: string, bytes: Buffer): Promise<number> {
  const a = await upload(t, uniqueName(name), bytes);
  if (a.status !== 200) problems.push(`${name}: HTTP ${a.status} ${a.body.slice(0, 200)}`);
  return a.ms;
}

interface MemorySampler { resetPhase(): number; phasePeak(): { rss: number; mainThread: number }; stop(): number }

/** Sampled every 25 ms: the run's peak RSS; since resetPhase(), peak RSS and main-isolate heap + external. */
function startMemorySampler(): MemorySampler {
  const main = (u: NodeJS.MemoryUsage) => u.heapTotal + u.external;
  let peak = 0;
  let phase = { rss: 0, mainThread: 0 };
  const sample = (): NodeJS.MemoryUsage => {
    const u = process.memoryUsage();
    peak = Math.max(peak, u.rss);
    phase = { rss: Math.max(phase.rss, u.rss), mainThread: Math.max(phase.mainThread, main(u)) };
    return u;
  };
  const timer = setInterval(sample, 25);
  return {
    resetPhase: () => ((phase = { rss: 0, mainThread: 0 }), sample().rss),
    phasePeak: () => (sample(), phase),
    stop: () => (clearInterval(timer), sample(), peak),
  };
}

/**
 * Event-loop delay over the gateway phases only (bare pdf.js blocks the loop by design). One
 * monitor per phase: a re-enabled monitor counts the disabled gap as one huge delay.
 */
const loopPhases: { label: string; max: number; p99: number }[] = [];
async function gatewayPhase<T>(label: string, run: () => Promise<T>): Promise<T> {
  const monitor = monitorEventLoopDelay({ resolution: 10 });
  monitor.enable();
  try {
    return await run();
  } finally {
    monitor.disable();
    loopPhases.push({ label, max: monitor.max / 1e6, p99: monitor.percentile(99) / 1e6 });
  }
}

function loopDelayRows(): void {
  const phases = new Map<string, { max: number; p99: number }>(); // a label's worst window
  for (const { label, max, p99 } of loopPhases) {
    const seen = phases.get(label) ?? { max: 0, p99: 0 };
    phases.set(label, { max: Math.max(seen.max, max), p99: Math.max(seen.p99, p99) });
  }
  const per = (key: 'max' | 'p99') => `per phase: ${[...phases].map(([label, p]) => `${label} ${fmt(p[key], 1)}`).join(', ')}`;
  rows.push(['event-loop delay max', fmt(Math.max(...loopPhases.map((p) => p.max)), 1), 'ms', `goal ≤ 50 ms; ${per('max')}`]);
  rows.push(['event-loop delay p99', fmt(Math.max(...loopPhases.map((p) => p.p99)), 1), 'ms', `worst phase; ${per('p99')}; resolution 10 ms (idle ≈ 10)`]);
}

/** Bare pdf.js in this thread (the event loop is blocked, by design): warm medians (ms). */
async function benchBare(pdfs: readonly CorpusPdf[], bare: Map<string, number>): Promise<void> {
  for (const p of pdfs) bare.set(p.name, (await warmMedians([() => barePdfjs(p.bytes)]))[0] ?? NaN);
}

/** Figure 1; fills `bare` for the files it measures. */
async function benchPerFile(t: Target, big: readonly CorpusPdf[], bare: Map<string, number>): Promise<void> {
  const ratios: number[] = [];
  const totals = { gateway: 0, bare: 0 };
  for (const p of big) {
    const gatewayRun = () => gatewayPhase('per-file', () => uploadGood(t, p.name, p.bytes));
    const [b = NaN, gateway = NaN] = await warmMedians([() => barePdfjs(p.bytes), gatewayRun]);
    bare.set(p.name, b);
    ratios.push(gateway / b);
    totals.gateway += gateway;
    totals.bare += b;
    rows.push([`gateway/bare ${p.name}`, fmt(gateway / b), '×', `${fmt(gateway, 1)} ms / ${fmt(b, 1)} ms, ${fmt(p.bytes.length / MB)} MB`]);
  }
  const n = `${big.length} PDFs > ${BIG_FILE_BYTES / 1000} KB, medians of ${TIMED_RUNS} warm runs, alternating`;
  rows.push(['gateway/bare geometric mean', fmt(geomean(ratios)), '×', `goal ≤ 1.15×; ${n}`]);
  rows.push(['gateway/bare total', fmt(totals.gateway / totals.bare), '×', `${fmt(totals.gateway, 0)} ms / ${fmt(totals.bare, 0)} ms`]);
}

/** Every item of `list` through `work`, `clients` at a time; returns the elapsed seconds. */
async function inParallel<T>(list: readonly T[], clients: number, work: (item: T) => Promise<unknown>): Promise<number> {
  let next = 0;
  const client = async (): Promise<void> => {
    for (let i = next++; i < list.length; i = next++) await work(list[i]!);
  };
  const start = nowNs();
  await Promise.all(Array.from({ length: clients }, client));
  return msSince(start) / 1000;
}

/** One untimed pass over the corpus, CLIENTS at a time: every worker sees every file (piscina starts its 2nd on demand). */
async function warmUp(t: Target, pdfs: readonly CorpusPdf[]): Promise<Row> {
  const seconds = await gatewayPhase('warm-up', () => inParallel(pdfs, CLIENTS, (p) => uploadGood(t, p.name, p.bytes)));
  const note = `untimed pass before the figures above, ${CLIENTS} clients; pays worker start-up + JIT`;
  return ['corpus throughput, warm-up pass', fmt(pdfs.length / seconds), 'files/s', note];
}

async function benchThroughput(t: Target, pdfs: readonly CorpusPdf[], bare: ReadonlyMap<string, number>, warmupRow: Row): Promise<number> {
  const list = Array.from({ length: THROUGHPUT_PASSES }, () => pdfs).flat();
  const elu = performance.eventLoopUtilization();
  const seconds = await gatewayPhase('throughput', () => inParallel(list, CLIENTS, (p) => uploadGood(t, p.name, p.bytes)));
  const mainThread = performance.eventLoopUtilization(elu).utilization;
  const filesPerS = list.length / seconds;
  const idealSeconds = (THROUGHPUT_PASSES * sum(pdfs.map((p) => bare.get(p.name) ?? NaN))) / CLIENTS / 1000;
  const note = `${list.length} uploads (${pdfs.length} good PDFs × ${THROUGHPUT_PASSES}), ${CLIENTS} clients, ${fmt(seconds, 1)} s`;
  rows.push(['corpus throughput', fmt(sum(list.map((p) => p.bytes.length)) / MB / seconds), 'MB/s', note]);
  rows.push(['corpus throughput', fmt(filesPerS), 'files/s', note]);
  rows.push(warmupRow);
  rows.push(['bare pdf.js ideal on 2 cores', fmt(list.length / idealSeconds), 'files/s', `(sum of bare warm single-file medians) / ${CLIENTS}`]);
  rows.push(['gateway / ideal bare throughput', fmt(idealSeconds / seconds), '×', 'goal ≥ 0.9']);
  rows.push(['main-thread busy during throughput', fmt(mainThread * 100, 1), '%', 'performance.eventLoopUtilization() (HTTP, multipart, SQLite, this client)']);
  return filesPerS;
}

const pdftotext = (file: string): Promise<boolean> =>
  new Promise((resolve) => execFile('pdftotext', [file, '-'], { timeout: 30_000, maxBuffer: 256 * MB }, (err) => resolve(err === null)));

/** Reference only: poppler's pdftotext on the same files, when it is on PATH. */
async function benchPdftotext(pdfs: readonly CorpusPdf[], gatewayFilesPerS: number): Promise<void> {
  if (!(process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && fs.existsSync(path.join(dir, 'pdftotext')))) {
    rows.push(['pdftotext throughput', 'n/a', 'files/s', 'pdftotext is not on PATH (poppler-utils)']);
    rows.push(['gateway / pdftotext throughput', 'n/a', '×', '']);
    return;
  }
  const list = Array.from({ length: THROUGHPUT_PASSES }, () => pdfs.filter((p) => !PDFTOTEXT_SKIP.has(p.name))).flat();
  let failed = 0;
  const seconds = await inParallel(list, CLIENTS, async (p) => (await pdftotext(p.file)) || failed++);
  const filesPerS = list.length / seconds;
  const skipped = [...PDFTOTEXT_SKIP].join(', ');
  const note = `${list.length} runs of \`pdftotext f -\`, ${CLIENTS} at a time; without ${skipped} (pdftotext hangs on it); ${failed} failed/timed out`;
  rows.push(['pdftotext throughput', fmt(filesPerS), 'files/s', note]);
  rows.push(['gateway / pdftotext throughput', fmt(gatewayFilesPerS / filesPerS), '×', 'files/s ratio (reference only)']);
}

/** An uncompressed text PDF of as many pages as fit under MEMORY_PDF_BYTES. */
function buildMemoryPdf(): { bytes: Buffer; pages: number } {
  const lines = Array.from({ length: 50 }, (_, i) => `Line ${String(i).padStart(2, '0')}: the quick brown fox jumps over the lazy dog, once more.`);
  const page = (n: number): string => textPage([`Page ${String(n).padStart(6, '0')}`, ...lines]);
  const build = (count: number): Buffer => pdf(Array.from({ length: count }, (_, i) => page(i + 1)), { title: 'bench memory' });
  const one = build(1).length;
  const perPage = build(2).length - one;
  let count = Math.floor((MEMORY_PDF_BYTES - 1 - one) / perPage) + 1;
  let bytes = build(count);
  for (let i = 0; i < 10 && bytes.length >= MEMORY_PDF_BYTES; i++) bytes = build(--count);
  return { bytes, pages: count };
}

const MEMORY_PDF_FLAG = '--write-memory-pdf';

/**
 * buildMemoryPdf() in a child process, which writes the PDF to a file and prints its page count.
 * Built in this process it left ~160 MB of freed-but-resident heap and malloc memory (RSS 101 ->
 * 264 MB, measured) that the memory figure then charged to the gateway.
 */
function memoryPdf(dir: string): { bytes: Buffer; pages: number } {
  const file = path.join(dir, 'memory.pdf');
  const pages = Number(execFileSync(process.execPath, [fileURLToPath(import.meta.url), MEMORY_PDF_FLAG, file], { encoding: 'utf8' }));
  return { bytes: fs.readFileSync(file), pages };
}

async function benchMemory(t: Target, { bytes, pages }: ReturnType<typeof memoryPdf>, rss: MemorySampler): Promise<Row[]> {
  const before = rss.resetPhase();
  const seconds = await gatewayPhase('memory', () =>
    inParallel(Array.from({ length: MEMORY_UPLOADS }, (_, i) => i), MEMORY_UPLOADS, (i) => uploadGood(t, `big-${i}.pdf`, bytes)),
  );
  const peak = rss.phasePeak();
  const note = `${MEMORY_UPLOADS} concurrent uploads of a ${fmt(bytes.length / MB)} MB, ${pages}-page text PDF; took ${fmt(seconds, 1)} s`;
  return [
    ['peak RSS, 8 concurrent ~10 MB PDFs', fmt(peak.rss / MB, 0), 'MB', `goal ≤ 400 MB; ${note}`],
    ['  RSS before that phase', fmt(before / MB, 0), 'MB', 'run first (pool started; test PDF built in a child process, pdf.js not yet loaded here)'],
    ['  main-thread heap + external peak', fmt(peak.mainThread / MB, 0), 'MB', 'request bodies, results; the rest of RSS is mostly worker heaps'],
  ];
}


async function benchGateway(pdfs: readonly CorpusPdf[], rss: MemorySampler): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-bench-extraction-'));
  const secret = crypto.randomBytes(36).toString('base64url'); // 48 characters
  const config = loadConfig({ DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', JWT_SECRET: secret, EXTRACT_WORKERS: String(CLIENTS), LOG_LEVEL: 'warn' });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const running = await startServer(config);
  try {
    await running.store.createCorpus({ customerId: CUSTOMER, corpusId: CORPUS, name: 'bench' });
    const token = await mintToken(running.keySource, config.jwt, { customerId: CUSTOMER, ttlSeconds: 3600 });
    const t: Target = { port: running.port, token, agent };
    const memoryRows = await benchMemory(t, memoryPdf(dir), rss); // first: RSS without this thread's own pdf.js heap
    const warmupRow = await warmUp(t, pdfs);
    const bare = new Map<string, number>();
    await benchPerFile(t, pdfs.filter((p) => p.bytes.length > BIG_FILE_BYTES), bare);
    await benchBare(pdfs.filter((p) => !bare.has(p.name)), bare); // the gateway idles meanwhile
    const filesPerS = await benchThroughput(t, pdfs, bare, warmupRow);
    await benchPdftotext(pdfs, filesPerS);
    rows.push(...memoryRows);
  } finally {
    agent.destroy();
    running.httpServer.closeAllConnections();
    await running.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  process.on('uncaughtException', (err: Error) => problems.push(`uncaught exception: ${err.name}: ${err.message}`));
  const cpus = os.cpus();
  console.log(`corpusgate extraction bench — Node ${process.version}, ${cpus.length} CPU(s) × ${cpus[0]?.model ?? 'unknown'}, ${new Date().toISOString()}`);
  const pdfs = loadCorpus();
  if (pdfs === null) {
    console.log(`no shared corpus at ${CORPUS_DIR} (MANIFEST.json missing): extraction bench skipped`);
    return 0;
  }
  console.log(`corpus: ${CORPUS_DIR}, ${pdfs.length} good PDFs; MB = 10^6 bytes\n`);
  const started = nowNs();
  const rss = startMemorySampler();
  await benchGateway(pdfs, rss);
  loopDelayRows();
  rows.push(['peak RSS, whole run', fmt(rss.stop() / MB, 0), 'MB', 'process.memoryUsage().rss every 25 ms (bare pdf.js phase included)']);
  rows.push(['run time', fmt(msSince(started) / 1000, 1), 's', '']);
  printTable(['figure', 'value', 'unit', 'note'], rows);
  for (const p of problems) console.error(`PROBLEM: ${p}`);
  return problems.length === 0 ? 0 : 1;
}

if (process.argv[2] === MEMORY_PDF_FLAG) {
  const { bytes, pages } = buildMemoryPdf();
  fs.writeFileSync(process.argv[3]!, bytes);
  process.stdout.write(String(pages));
} else {
  main().then((code) => process.exit(code), (err: unknown) => (console.error(err), process.exit(1)));
}
