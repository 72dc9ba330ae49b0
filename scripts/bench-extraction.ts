/**
 * `npm run bench`, part 2: PDF extraction through the gateway, run as a process of its own (as in
 * production, see bench-gateway.ts) on 127.0.0.1, against bare pdf.js in this process (one thread, and two threads at
 * once) and pdftotext, over ../shared/corpus. The gateway's event-loop delay, main-thread load and
 * peak RSS are measured inside its process, so that this client's work (and bare pdf.js's
 * garbage) is never charged to it. Prints one table; no timed assertions; exit 1 only when
 * something unexpected happens (e.g. a good PDF does not get 200).
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { startGatewayProcess, type Gateway, type GatewaySetup, type PhaseStats } from './bench-gateway.js';
import { fileEnvelope, fmt, msSince, nowNs, post, printTable, type Answer, type Row, type Target } from './bench-kit.js';
import { pdf, textPage } from './fixtures.js';

const CUSTOMER = '123456';
const CORPUS = '151';
const UPLOAD_PATH = `/v1/upload?c=${CUSTOMER}&o=${CORPUS}`;
const BOUNDARY = '----corpusgate-bench-extraction-boundary';
const CORPUS_DIR = path.resolve(process.cwd(), '..', 'shared', 'corpus');
const PDFJS_DIR = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const THIS_FILE = fileURLToPath(import.meta.url);
const MB = 1_000_000;
const BIG_FILE_BYTES = 100_000; // figure 1 takes the PDFs larger than this
const TIMED_RUNS = 5; // after one untimed warm-up round
/**
 * Idle time before each timed run of the per-file figure: the previous run's background work
 * (V8's concurrent GC threads sweeping bare pdf.js's garbage, at normal priority) otherwise
 * landed in the next run's time, and the gateway's workers parse at nice 10.
 */
const SETTLE_MS = 100;
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

// ------------------------------------------------------------------------------- bare pdf.js

/** Exactly the options of src/extract/pdf.ts. */
const PDFJS_OPTIONS = {
  isEvalSupported: false, enableXfa: false, disableFontFace: true, useSystemFonts: false,
  cMapUrl: path.join(PDFJS_DIR, 'cmaps') + path.sep, cMapPacked: true,
  standardFontDataUrl: path.join(PDFJS_DIR, 'standard_fonts') + path.sep,
  isOffscreenCanvasSupported: false, stopAtErrors: false, verbosity: 0,
} as const;

let pdfjs: Promise<typeof import('pdfjs-dist/legacy/build/pdf.mjs')> | null = null;

/** What src/extract/pdf.ts does with pdf.js, minus the gateway's own work: every page's text. */
async function barePdfjs(bytes: Uint8Array): Promise<number> {
  const { getDocument } = await (pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs'));
  const start = nowNs();
  const doc = await getDocument({ data: new Uint8Array(bytes), ...PDFJS_OPTIONS }).promise; // a copy: pdf.js detaches it
  for (let n = 1; n <= doc.numPages; n++) await (await doc.getPage(n)).getTextContent();
  await doc.destroy();
  return msSince(start);
}

/** A bare pdf.js thread: parses each file path it is sent (default V8 limits, no gateway). */
function runBareThread(): void {
  const cache = new Map<string, Buffer>();
  parentPort!.on('message', (file: string) => {
    let bytes = cache.get(file);
    if (!bytes) cache.set(file, (bytes = fs.readFileSync(file)));
    barePdfjs(bytes).then((ms) => parentPort!.postMessage(ms), (err: unknown) => parentPort!.postMessage(String(err)));
  });
}

/** CLIENTS bare pdf.js threads in this process: the same work as the gateway's workers, nothing else. */
function startBareThreads(): { parse: (p: CorpusPdf) => Promise<number>; close: () => Promise<void> } {
  const threads = Array.from({ length: CLIENTS }, () => new Worker(THIS_FILE, { workerData: { bareThread: true } }));
  const idle = [...threads];
  const waiting: ((w: Worker) => void)[] = [];
  const take = (): Promise<Worker> => new Promise((resolve) => { const w = idle.pop(); if (w) resolve(w); else waiting.push(resolve); });
  const give = (w: Worker): void => { const next = waiting.shift(); if (next) next(w); else idle.push(w); };
  return {
    async parse(p) {
      const w = await take();
      try {
        const answer = await new Promise<unknown>((resolve) => { w.once('message', resolve); w.postMessage(p.file); });
        if (typeof answer !== 'number') problems.push(`bare pdf.js thread on ${p.name}: ${String(answer)}`);
        return typeof answer === 'number' ? answer : NaN;
      } finally {
        give(w);
      }
    },
    close: async () => void (await Promise.all(threads.map((w) => w.terminate()))),
  };
}

/**
 * Each function's median (ms) over TIMED_RUNS timed rounds after one untimed round; within a round
 * the functions alternate, so that a noisy machine slows all of them alike, each after SETTLE_MS.
 */
async function warmMedians(runs: readonly (() => Promise<number>)[]): Promise<number[]> {
  const ms = runs.map((): number[] => []);
  for (let round = 0; round <= TIMED_RUNS; round++) {
    for (const [i, run] of runs.entries()) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const took = await run();
      if (round > 0) ms[i]?.push(took);
    }
  }
  return ms.map(median);
}

/**
 * The README's optional memory setting ("Memory"): glibc returns buffers of 4 MiB and more to the
 * system when freed. Measured as a second memory phase in a fresh gateway process.
 */
const MEMORY_SETTING: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '4194304' };

const loopPhases: { label: string; max: number; p99: number }[] = [];
const recordLoop = (label: string, stats: PhaseStats): void => void loopPhases.push({ label, max: stats.loopMax, p99: stats.loopP99 });
const SETUP: GatewaySetup = { customerId: CUSTOMER, corpusId: CORPUS, workers: CLIENTS };

function loopDelayRows(): void {
  const phases = new Map<string, { max: number; p99: number }>(); // a label's worst window
  for (const { label, max, p99 } of loopPhases) {
    const seen = phases.get(label) ?? { max: 0, p99: 0 };
    phases.set(label, { max: Math.max(seen.max, max), p99: Math.max(seen.p99, p99) });
  }
  const per = (key: 'max' | 'p99') => `per phase: ${[...phases].map(([label, p]) => `${label} ${fmt(p[key], 1)}`).join(', ')}`;
  rows.push(['event-loop delay max', fmt(Math.max(...loopPhases.map((p) => p.max)), 1), 'ms', `goal ≤ 50 ms; gateway process; ${per('max')}`]);
  rows.push(['event-loop delay p99', fmt(Math.max(...loopPhases.map((p) => p.p99)), 1), 'ms', `worst phase; ${per('p99')}; resolution 10 ms (idle ≈ 10)`]);
}

// ------------------------------------------------------------------------------------ the figures

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

/** Bare pdf.js in this thread: warm medians (ms). */
async function benchBare(pdfs: readonly CorpusPdf[], bare: Map<string, number>): Promise<void> {
  for (const p of pdfs) bare.set(p.name, (await warmMedians([() => barePdfjs(p.bytes)]))[0] ?? NaN);
}

/** Figure 1; fills `bare` for the files it measures. */
async function benchPerFile(gw: Gateway, big: readonly CorpusPdf[], bare: Map<string, number>): Promise<void> {
  const ratios: number[] = [];
  const totals = { gateway: 0, bare: 0 };
  for (const p of big) {
    const gatewayRun = async () => (await gw.phase('per-file', () => uploadGood(gw.target, p.name, p.bytes))).value;
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

/** One untimed pass over the corpus, CLIENTS at a time, for the gateway and for the bare threads. */
async function warmUp(gw: Gateway, bare2: ReturnType<typeof startBareThreads>, pdfs: readonly CorpusPdf[]): Promise<Row> {
  const { value: seconds } = await gw.phase('warm-up', () => inParallel(pdfs, CLIENTS, (p) => uploadGood(gw.target, p.name, p.bytes)));
  await inParallel(pdfs, CLIENTS, (p) => bare2.parse(p));
  const note = `untimed pass before the figures above, ${CLIENTS} clients; pays worker start-up + JIT`;
  return ['corpus throughput, warm-up pass', fmt(pdfs.length / seconds), 'files/s', note];
}

/**
 * The corpus, THROUGHPUT_PASSES times, through the gateway with CLIENTS clients and through CLIENTS
 * bare pdf.js threads, the passes alternating so that machine noise hits both alike.
 */
async function benchThroughput(gw: Gateway, bare2: ReturnType<typeof startBareThreads>, pdfs: readonly CorpusPdf[], bare: ReadonlyMap<string, number>, warmupRow: Row): Promise<number> {
  let gatewaySeconds = 0;
  let bareSeconds = 0;
  let mainBusy = 0;
  for (let pass = 0; pass < THROUGHPUT_PASSES; pass++) {
    const { value, stats } = await gw.phase('throughput', () => inParallel(pdfs, CLIENTS, (p) => uploadGood(gw.target, p.name, p.bytes)));
    gatewaySeconds += value;
    mainBusy += stats.mainBusy * value;
    bareSeconds += await inParallel(pdfs, CLIENTS, (p) => bare2.parse(p));
  }
  const uploadsDone = pdfs.length * THROUGHPUT_PASSES;
  const filesPerS = uploadsDone / gatewaySeconds;
  const idealSeconds = (THROUGHPUT_PASSES * sum(pdfs.map((p) => bare.get(p.name) ?? NaN))) / CLIENTS / 1000;
  const note = `${uploadsDone} uploads (${pdfs.length} good PDFs × ${THROUGHPUT_PASSES}), ${CLIENTS} clients, ${fmt(gatewaySeconds, 1)} s`;
  const bytes = THROUGHPUT_PASSES * sum(pdfs.map((p) => p.bytes.length));
  rows.push(['corpus throughput', fmt(bytes / MB / gatewaySeconds), 'MB/s', note]);
  rows.push(['corpus throughput', fmt(filesPerS), 'files/s', note]);
  rows.push(warmupRow);
  rows.push(['bare pdf.js ideal on 2 cores', fmt(uploadsDone / idealSeconds), 'files/s', `(sum of bare warm single-thread medians) / ${CLIENTS}`]);
  rows.push(['gateway / ideal bare throughput', fmt(idealSeconds / gatewaySeconds), '×', 'goal ≥ 0.9']);
  rows.push(['bare pdf.js, 2 threads at once', fmt(uploadsDone / bareSeconds), 'files/s', `the same ${uploadsDone} files through ${CLIENTS} worker threads of this process, passes alternating with the gateway's`]);
  rows.push(['  bare 2 threads / ideal', fmt(idealSeconds / bareSeconds), '×', 'what 2 cores give pdf.js itself here'])
  rows.push(['gateway / bare 2 threads', fmt(bareSeconds / gatewaySeconds), '×', 'the gateway against bare pdf.js really run 2-way']);
  rows.push(['gateway main thread busy', fmt((mainBusy / gatewaySeconds) * 100, 1), '%', 'during the throughput passes; eventLoopUtilization() in the gateway process']);
  return filesPerS;
}

/** How many cores one bare pdf.js thread keeps busy (V8's GC and compiler threads run beside it). */
async function bareCores(pdfs: readonly CorpusPdf[]): Promise<void> {
  const cpu = process.cpuUsage();
  const start = nowNs();
  for (const p of pdfs) await barePdfjs(p.bytes);
  const wallMs = msSince(start);
  const { user, system } = process.cpuUsage(cpu);
  rows.push(['bare pdf.js, one thread: cores used', fmt((user + system) / 1000 / wallMs), 'cores', 'process CPU time / wall time over one corpus pass; above 1, "ideal on 2 cores" is out of reach']);
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

/** buildMemoryPdf() in a child process, which writes the PDF to a file and prints its page count. */
function memoryPdf(dir: string): { bytes: Buffer; pages: number } {
  const file = path.join(dir, 'memory.pdf');
  const pages = Number(execFileSync(process.execPath, [THIS_FILE, MEMORY_PDF_FLAG, file], { encoding: 'utf8' }));
  return { bytes: fs.readFileSync(file), pages };
}

/** Run first: the gateway's peak RSS since start (getrusage) is then this phase's. */
async function benchMemory(gw: Gateway, { bytes, pages }: ReturnType<typeof memoryPdf>): Promise<Row[]> {
  const { value: seconds, stats } = await gw.phase('memory', () =>
    inParallel(Array.from({ length: MEMORY_UPLOADS }, (_, i) => i), MEMORY_UPLOADS, (i) => uploadGood(gw.target, `big-${i}.pdf`, bytes)),
  );
  const note = `${MEMORY_UPLOADS} concurrent uploads of a ${fmt(bytes.length / MB)} MB, ${pages}-page text PDF; took ${fmt(seconds, 1)} s`;
  return [
    ['peak RSS, 8 concurrent ~10 MB PDFs', fmt(stats.maxRss / MB, 0), 'MB', `goal ≤ 400 MB; gateway process, getrusage peak; ${note}`],
    ['  RSS before that phase', fmt(stats.rssBefore / MB, 0), 'MB', 'gateway started, its workers ready'],
    ['  main-thread heap + external peak', fmt(stats.mainPeak / MB, 0), 'MB', 'request bodies, results; the rest of RSS is mostly worker heaps'],
  ];
}

const envText = (env: Readonly<Record<string, string>>): string => Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ');

/** The memory phase again, in a fresh gateway process with the README's memory setting. */
async function benchMemoryWithSetting(dir: string, pdfFile: ReturnType<typeof memoryPdf>): Promise<Row> {
  const dataDir = fs.mkdtempSync(path.join(dir, 'memory-setting-'));
  const gw = await startGatewayProcess(dataDir, SETUP, { ...process.env, ...MEMORY_SETTING }); // not in the event-loop rows
  try {
    const { stats } = await gw.phase('memory, with setting', () =>
      inParallel(Array.from({ length: MEMORY_UPLOADS }, (_, i) => i), MEMORY_UPLOADS, (i) => uploadGood(gw.target, `setting-${i}.pdf`, pdfFile.bytes)),
    );
    const note = `a fresh gateway process with ${envText(MEMORY_SETTING)} (README, "Memory"); event-loop max ${fmt(stats.loopMax, 1)} ms`;
    return ['  the same with the memory setting', fmt(stats.maxRss / MB, 0), 'MB', note];
  } finally {
    await gw.stop();
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
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-bench-extraction-'));
  const gw = await startGatewayProcess(dir, SETUP, process.env, recordLoop);
  const bare2 = startBareThreads();
  let maxRss = NaN;
  try {
    const memoryFile = memoryPdf(dir);
    const memoryRows = await benchMemory(gw, memoryFile); // first: its peak is the process's peak so far
    const warmupRow = await warmUp(gw, bare2, pdfs);
    const bare = new Map<string, number>();
    await benchPerFile(gw, pdfs.filter((p) => p.bytes.length > BIG_FILE_BYTES), bare);
    await benchBare(pdfs.filter((p) => !bare.has(p.name)), bare); // the gateway idles meanwhile
    const filesPerS = await benchThroughput(gw, bare2, pdfs, bare, warmupRow);
    await bareCores(pdfs);
    await benchPdftotext(pdfs, filesPerS);
    maxRss = (await gw.phase('end', async () => undefined)).stats.maxRss;
    rows.push(...memoryRows, await benchMemoryWithSetting(dir, memoryFile));
  } finally {
    await bare2.close();
    await gw.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  loopDelayRows();
  rows.push(['gateway peak RSS, whole run', fmt(maxRss / MB, 0), 'MB', 'getrusage maxRSS of the gateway process']);
  rows.push(['run time', fmt(msSince(started) / 1000, 1), 's', '']);
  printTable(['figure', 'value', 'unit', 'note'], rows);
  for (const p of problems) console.error(`PROBLEM: ${p}`);
  return problems.length === 0 ? 0 : 1;
}

if (!isMainThread && (workerData as { bareThread?: boolean } | null)?.bareThread) {
  runBareThread();
} else if (process.argv[2] === MEMORY_PDF_FLAG) {
  const { bytes, pages } = buildMemoryPdf();
  fs.writeFileSync(process.argv[3]!, bytes);
  process.stdout.write(String(pages));
} else {
  main().then((code) => process.exit(code), (err: unknown) => (console.error(err), process.exit(1)));
}
