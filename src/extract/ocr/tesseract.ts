import { createRequire } from 'node:module';
import path from 'node:path';
import Tesseract from 'tesseract.js';
import { ExtractionError } from '../../errors/index.js';
import { deskew } from './deskew.js';

const require = createRequire(import.meta.url);
/** "tesseract.js@7.0.0": what metadata.extractor names. */
export const TESSERACT_EXTRACTOR = `tesseract.js@${(require('tesseract.js/package.json') as { version: string }).version}`;

/**
 * The English model from the npm package @tesseract.js-data/eng (LSTM, "best_int"), read from
 * node_modules: langPath is a local directory, cacheMethod 'none' writes no cache file, and the
 * package's files are gzipped (gzip: true). The worker script and the core WASM come from the
 * tesseract.js and tesseract.js-core packages (their Node defaults): nothing is fetched.
 */
const LANG_PATH = path.join(path.dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');

export interface RecognizedLine {
  readonly text: string;
  /** Pixels, top-left origin. */
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export interface Recognized {
  readonly text: string;
  /** Mean word confidence, 0-100. */
  readonly confidence: number;
  readonly lines: readonly RecognizedLine[];
  /** The rotation deskew.ts applied before recognition (degrees; 0 when the page was straight). */
  readonly deskewDegrees: number;
  /** Height in pixels of the image recognised (a rotation enlarges it): line positions are in it. */
  readonly height: number;
}

let worker: Promise<Tesseract.Worker> | null = null;

/**
 * One tesseract worker per extraction worker, created on first use and reused (loading the model
 * takes ~0.9 s). tesseract.js runs it in a worker_thread of its own, a child of this extraction
 * worker: when the pool terminates this thread (a timeout), Node stops the child with it.
 */
function tesseractWorker(): Promise<Tesseract.Worker> {
  worker ??= (async () => {
    const created = await Tesseract.createWorker('eng', Tesseract.OEM.LSTM_ONLY, {
      langPath: LANG_PATH,
      cacheMethod: 'none',
      gzip: true,
      errorHandler: () => {},
    });
    // PDF pages are rendered at 300 dpi; images rarely say (or say nonsense: 25 dpi), and
    // tesseract then printed "Invalid resolution … dpi" / "Estimating resolution as …" on stdout.
    await created.setParameters({ user_defined_dpi: '300' });
    return created;
  })();
  worker.catch(() => {
    worker = null;
  });
  return worker;
}

/** Stops the tesseract worker (after a timeout): the next page starts a fresh one. */
async function dropWorker(): Promise<void> {
  const current = worker;
  worker = null;
  if (current) await current.then((w) => w.terminate()).catch(() => {});
}

/**
 * Recognises one decoded greyscale image (PNG bytes), straightened first by deskew.ts (tesseract.js 7.0.0's own
 * `rotateAuto` found the skew of tika__testRotated+10.png only on every other call, and with the
 * page segmentation mode set to AUTO beforehand never, and read nothing). Fails with
 * EXTRACTION_TIMEOUT when it would run past `deadline` (performance.now() time).
 */
export async function recognize(png: Buffer, deadline: number): Promise<Recognized> {
  const straight = await deskew(png);
  const result = await recognizeStraight(straight.png, deadline);
  return { ...result, deskewDegrees: straight.angle, height: straight.height };
}

async function recognizeStraight(png: Buffer, deadline: number): Promise<Omit<Recognized, 'deskewDegrees' | 'height'>> {
  const remaining = deadline - performance.now();
  if (remaining <= 0) throw ocrTimeout();
  const w = await tesseractWorker();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(ocrTimeout()), remaining);
  });
  try {
    const result = await Promise.race([w.recognize(png, {}, { text: true, blocks: true }), timedOut]);
    const lines: RecognizedLine[] = [];
    for (const block of result.data.blocks ?? []) {
      for (const paragraph of block.paragraphs) {
        for (const line of paragraph.lines) {
          const text = line.text.trim();
          if (text !== '') lines.push({ text, ...line.bbox });
        }
      }
    }
    return { text: result.data.text, confidence: result.data.confidence, lines };
  } catch (err) {
    if (err instanceof ExtractionError) {
      await dropWorker();
      throw err;
    }
    // A job the worker rejects (an image it cannot read) leaves the worker usable.
    throw new ExtractionError('CORRUPT', `the image cannot be read by OCR: ${String(err)}`);
  } finally {
    clearTimeout(timer);
  }
}

function ocrTimeout(): ExtractionError {
  return new ExtractionError('EXTRACTION_TIMEOUT', 'OCR took longer than OCR_TIMEOUT_MS; the parse was stopped');
}
