import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { closeTestIssuer, CORPUS, CUSTOMER, startGateway, type TestGateway } from './helpers/gateway.js';
import { CORPUS_DIR, loadManifest } from './helpers/corpus.js';
import { deepOutlinePdf, flateBombPdf, textPdf } from '../scripts/fixtures.js';
import { deepElementsDocx, mutateBytes } from '../scripts/attack-files.js';

/** mutateBytes(pdfjs__standard_fonts.pdf, seed) for these seeds leaves a rejection behind in pdf.js. */
const STRAY_REJECTION_SEEDS = [17, 23, 30] as const;
const STRAY_REJECTION_SOURCE = 'pdfjs__standard_fonts.pdf';

/**
 * Issue 11 items 3-5: what one hostile PDF does is charged to that upload alone — a promise it
 * leaves rejected, memory it inflates, an outline nested past the stack — and never to the next
 * upload on the same worker.
 */
const url = `/v1/upload?c=${CUSTOMER}&o=${CORPUS}`;
let gw: TestGateway;
let token: string;

afterEach(() => gw?.close());
afterAll(() => closeTestIssuer());

const upload = (name: string, bytes: Buffer) =>
  request(gw.app).post(url).set('Authorization', `Bearer ${token}`).attach('file', bytes, { filename: name, contentType: 'application/octet-stream' });

const stored = (documentId: string) => gw.store.findDocument({ customerId: CUSTOMER, corpusId: CORPUS, documentId });

async function start(env: Record<string, string>) {
  gw = await startGateway(env);
  token = await gw.token();
}

const haveCorpus = loadManifest() !== null; // throws when CI=true and the corpus is missing

// pdf.js is the engine that leaves rejections behind: these run with it (PDF_ENGINE=pdfjs); with
// PDFium, the default, pdf.js still reads what PDFium cannot.
describe('a PDF that leaves a promise rejection behind (pdf.js)', () => {
  (haveCorpus ? it : it.skip)('is answered, and the next upload on the same worker still succeeds', async () => {
    await start({ EXTRACT_WORKERS: '1', PDF_ENGINE: 'pdfjs' });
    const source = fs.readFileSync(path.join(CORPUS_DIR, STRAY_REJECTION_SOURCE));
    for (const seed of STRAY_REJECTION_SEEDS) {
      const hostile = await upload(`fuzzed-${seed}.pdf`, mutateBytes(source, seed));
      expect(hostile.status).toBe(422);
      expect(hostile.body.internalCode).not.toBe('EXTRACTION_FAILED');
      // At once, and again after the rejection has had time to surface.
      expect((await upload(`after-${seed}.pdf`, textPdf(1, `after ${seed}`))).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await upload(`later-${seed}.pdf`, textPdf(1, `later ${seed}`))).status).toBe(200);
    }
    expect(gw.extractor.stopped.crash).toBe(0);
  });

  (haveCorpus ? it : it.skip)('fails no other client while hostile uploads keep arriving (2 workers)', async () => {
    await start({ EXTRACT_WORKERS: '2', PDF_ENGINE: 'pdfjs' });
    const source = fs.readFileSync(path.join(CORPUS_DIR, STRAY_REJECTION_SOURCE));
    const good: Promise<request.Response>[] = [];
    const bad: Promise<request.Response>[] = [];
    for (let round = 0; round < 3; round++) {
      for (const seed of STRAY_REJECTION_SEEDS) bad.push(upload(`r${round}-fuzzed-${seed}.pdf`, mutateBytes(source, seed)));
      for (let i = 0; i < 3; i++) good.push(upload(`r${round}-good-${i}.pdf`, textPdf(1, `good ${round} ${i}`)));
    }
    const goodStatuses = (await Promise.all(good)).map((r) => r.status);
    const badStatuses = (await Promise.all(bad)).map((r) => r.status);
    expect(goodStatuses).toEqual(goodStatuses.map(() => 200));
    expect(badStatuses).toEqual(badStatuses.map(() => 422));
  });
});

describe('a PDF whose content stream inflates without end', () => {
  it.each([
    ['1 MiB (inflating to ~1 GiB, in memory)', 1024 * 1024 - 2048, 'auto'],
    ['10 MiB (inflating to ~10 GiB, spooled to disk)', 10 * 1024 * 1024 - 4096, 'auto'],
    ['1 MiB, with pdf.js', 1024 * 1024 - 2048, 'pdfjs'],
    ['10 MiB, with pdf.js', 10 * 1024 * 1024 - 4096, 'pdfjs'],
  ])('of %s is 422 EXTRACTION_RESOURCE_LIMIT, stores nothing, and the worker serves on', async (_what, size, engine) => {
    // A generous deadline: the buffer cap must be what stops it, even on a loaded machine (pdf.js
    // took past 30 s to reach 128 MB once, with the CPU shared by four test runs).
    await start({ EXTRACT_WORKERS: '1', EXTRACT_MAX_BUFFER_MB: '128', EXTRACT_TIMEOUT_MS: '90000', PDF_ENGINE: engine });
    const res = await upload('bomb.pdf', flateBombPdf(size));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ internalCode: 'EXTRACTION_RESOURCE_LIMIT' });
    expect(res.body.details).toContain('EXTRACT_MAX_BUFFER_MB');
    expect(await stored('bomb.pdf')).toBeNull();
    expect((await upload('after-bomb.pdf', textPdf(2))).status).toBe(200);
  }, 150_000);

  it('is not refused because of an earlier bomb: the cap counts what the parse holds, not garbage', async () => {
    await start({ EXTRACT_WORKERS: '1', EXTRACT_MAX_BUFFER_MB: '64' });
    for (let i = 0; i < 3; i++) expect((await upload(`bomb-${i}.pdf`, flateBombPdf(256 * 1024))).status).toBe(422);
    // A legitimate 5 MB text file right after: well under the cap once the bombs' buffers are collected.
    const big = Buffer.from('All work and no play makes Jack a dull boy.\n'.repeat(120_000));
    expect((await upload('big.txt', big)).status).toBe(200);
  }, 60_000);
});

describe('a PDF whose outline nests 50,000 deep', () => {
  it('is stored with its outline cut at 32 levels (PDFium walks it without recursion)', async () => {
    await start({ EXTRACT_WORKERS: '1' });
    const res = await upload('deep-outline.pdf', deepOutlinePdf(50_000)).query({ d: 'true' });
    expect(res.status).toBe(200);
    let depth = 0;
    for (let s = res.body.document.section[0]; s; s = s.section?.[0]) depth++;
    expect(depth).toBe(33);
    expect(gw.extractor.stopped).toMatchObject({ crash: 0, timeout: 0 });
  }, 60_000);

  it('is stored with its pages as sections and a warning with pdf.js; no worker dies', async () => {
    await start({ EXTRACT_WORKERS: '1', PDF_ENGINE: 'pdfjs' });
    const res = await upload('deep-outline.pdf', deepOutlinePdf(50_000)).query({ d: 'true' });
    expect(res.status).toBe(200);
    expect(res.body.warnings).toEqual([expect.objectContaining({ code: 'OUTLINE_UNREADABLE' })]);
    expect(JSON.stringify(res.body.document.section)).toContain('A page under a very deep outline.');
    expect((await upload('after-outline.pdf', textPdf(1))).status).toBe(200);
    expect(gw.extractor.stopped).toMatchObject({ crash: 0, timeout: 0 });
  }, 60_000);

  it.each(['auto', 'pdfjs'])('keeps an outline nested 40 deep, cut at 32 levels (PDF_ENGINE=%s)', async (engine) => {
    await start({ EXTRACT_WORKERS: '1', PDF_ENGINE: engine });
    const res = await upload('outline-40.pdf', deepOutlinePdf(40)).query({ d: 'true' });
    expect(res.status).toBe(200);
    expect(res.body.warnings ?? []).toEqual([]);
    let depth = 0;
    for (let s = res.body.document.section[0]; s; s = s.section?.[0]) depth++;
    expect(depth).toBe(33); // entries at depth 0 … 32
  });
});

describe('a docx whose XML nests 100,000 elements deep', () => {
  it('is refused before mammoth parses it (whose parse no terminate() could stop)', async () => {
    await start({ EXTRACT_WORKERS: '1' });
    const res = await upload('deep-elements.docx', deepElementsDocx(100_000));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ internalCode: 'EXTRACTION_RESOURCE_LIMIT' });
    expect(res.body.details).toContain('deeper than 1000 levels');
    expect(gw.extractor.stopped).toMatchObject({ timeout: 0, crash: 0 });
  });
});
