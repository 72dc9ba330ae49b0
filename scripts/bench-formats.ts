/**
 * Part 5 of `npm run bench` (issue 16): extraction time per MB for each format the gateway reads,
 * on a generated file of about 1 MiB per format (scripts/fixtures-*.ts), parsed in this process
 * the way a worker parses (buildDocument: detection, extraction, the Document packed), so the
 * figure is the parse alone, without HTTP or the hand-off to a worker. Where pandoc (or, for .doc,
 * LibreOffice) is installed, the same file through it to plain text (one run, at most 2 minutes),
 * and the ratio. The gateway's figure is the median of RUNS runs after one warm-up. No assertions
 * on timings; exits 1 only when a file fails to extract.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDocument } from '../src/extract/build-document.js';
import { detectFormat } from '../src/extract/formats.js';
import { fmt, msSince, nowNs, report, runBench, type Row } from './bench-kit.js';
import { largeDoc, largeOdt, largePptx } from './fixtures-office.js';
import { largeEmail, largeMarkdown, largeRtf } from './fixtures-text.js';
import { largeEpub, largeHtml } from './fixtures-html.js';

const RUNS = Number(process.env['BENCH_FORMAT_RUNS'] ?? 5);
const REFERENCE_TIMEOUT_MS = 120_000;

interface Sample {
  readonly format: string;
  readonly filename: string;
  readonly bytes: Buffer;
  /** The reference tool's command for this file, where one reads the format. */
  readonly reference?: { readonly tool: string; readonly args: (file: string, outDir: string) => string[] };
}

const pandoc = (from: string) => ({ tool: 'pandoc', args: (file: string) => ['-f', from, '-t', 'plain', '--wrap=none', file, '-o', '/dev/null'] });
const soffice = { tool: 'soffice', args: (file: string, outDir: string) => ['--headless', '--convert-to', 'txt:Text', '--outdir', outDir, file] };

/**
 * A generator's file of at least 1 MiB: the generators take a size of content, which a ZIP format
 * compresses, so the size asked for doubles until the file itself is that large.
 */
function oneMiB(generate: (bytes: number) => Buffer): Buffer {
  for (let asked = 1024 * 1024; ; asked *= 2) {
    const file = generate(asked);
    if (file.length >= 1024 * 1024 || asked >= 256 * 1024 * 1024) return file;
  }
}

const SAMPLES: readonly Sample[] = [
  { format: 'pptx', filename: 'bench.pptx', bytes: oneMiB(largePptx) },
  { format: 'odt', filename: 'bench.odt', bytes: oneMiB(largeOdt), reference: pandoc('odt') },
  { format: 'doc', filename: 'bench.doc', bytes: oneMiB(largeDoc), reference: soffice },
  { format: 'md', filename: 'bench.md', bytes: oneMiB(largeMarkdown), reference: pandoc('markdown') },
  { format: 'rtf', filename: 'bench.rtf', bytes: oneMiB(largeRtf), reference: pandoc('rtf') },
  { format: 'eml', filename: 'bench.eml', bytes: oneMiB(largeEmail) },
  { format: 'html', filename: 'bench.html', bytes: oneMiB(largeHtml), reference: pandoc('html') },
  { format: 'epub', filename: 'bench.epub', bytes: oneMiB(largeEpub), reference: pandoc('epub') },
];

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function installed(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function parse(sample: Sample): Promise<{ ms: number; chars: number }> {
  const sha256 = createHash('sha256').update(sample.bytes).digest('hex');
  const task = { format: detectFormat(sample.filename, sample.bytes), source: { bytes: new Uint8Array(sample.bytes) }, sha256, filenameId: sample.filename, docMetadata: undefined };
  const start = nowNs();
  const built = await buildDocument(task);
  return { ms: msSince(start), chars: built.charge.numChars };
}

/** The reference tool's median time on the file; a string says why there is none. */
function referenceMs(sample: Sample, dir: string): number | string {
  if (!sample.reference) return 'no reference tool';
  if (!installed(sample.reference.tool)) return `${sample.reference.tool} not installed`;
  const file = path.join(dir, sample.filename);
  fs.writeFileSync(file, sample.bytes);
  // One run (pandoc takes a minute on some of these files), bounded.
  const start = nowNs();
  try {
    execFileSync(sample.reference.tool, sample.reference.args(file, dir), { stdio: 'ignore', timeout: REFERENCE_TIMEOUT_MS });
  } catch (err) {
    const timedOut = (err as { signal?: string }).signal === 'SIGTERM';
    return timedOut ? `${sample.reference.tool} took over ${REFERENCE_TIMEOUT_MS / 1000} s` : `${sample.reference.tool} cannot read this generated file`;
  }
  return msSince(start);
}

async function main(): Promise<number> {
  const rows: Row[] = [];
  const problems: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-bench-formats-'));
  try {
    for (const sample of SAMPLES) {
      const mib = sample.bytes.length / (1024 * 1024);
      const times: number[] = [];
      let chars = 0;
      try {
        for (let run = 0; run <= RUNS; run++) {
          const parsed = await parse(sample);
          if (run > 0) times.push(parsed.ms);
          chars = parsed.chars;
        }
      } catch (err) {
        problems.push(`${sample.filename}: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      const ms = median(times);
      const reference = referenceMs(sample, dir);
      const vs = typeof reference === 'string' ? reference : `${sample.reference!.tool} ${fmt(reference / mib, 0)} ms/MiB`;
      rows.push([`${sample.format}: extraction per MiB`, fmt(ms / mib, 1), 'ms/MiB', `${fmt(mib, 2)} MiB file, ${(chars / 1e6).toFixed(1)} M chars of text, median of ${RUNS}; ${vs}`]);
      if (typeof reference === 'number') rows.push([`${sample.format}: gateway / ${sample.reference!.tool}`, fmt(ms / reference), '×', 'time for the same file (< 1: the gateway is faster)']);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nExtraction per format (in-process buildDocument, ${os.cpus().length} cores)`);
  return report(rows, problems);
}

runBench(main);
