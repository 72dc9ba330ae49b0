import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import request from 'supertest';
import { closeTestIssuer, CORPUS, CUSTOMER, startGateway, type TestGateway } from './helpers/gateway.js';
import { ExtractionError, InvalidRequestError, UnsupportedTypeError } from '../src/errors/index.js';
import { detectFormat } from '../src/extract/index.js';
import { listen } from './helpers/raw-client.js';
import { waitFor } from './helpers/wait.js';
import {
  heavyPdf,
  hostileNumberingDocx,
  lyingSizeDocx,
  manyEntriesDocx,
  numberedListDocx,
  ratioBombDocx,
  simpleDocx,
  slowPdf,
  textPdf,
  documentXml,
  zip,
  zipBombDocx,
} from '../scripts/fixtures.js';

const url = `/v1/upload?c=${CUSTOMER}&o=${CORPUS}`;
let gw: TestGateway;
let token: string;

async function start(env: Record<string, string> = {}) {
  gw = await startGateway(env);
  token = await gw.token();
}
afterEach(() => gw?.close());
afterAll(() => closeTestIssuer());

const upload = (name: string, bytes: Buffer, query = '') =>
  request(gw.app).post(`${url}${query}`).set('Authorization', `Bearer ${token}`).attach('file', bytes, { filename: name, contentType: 'application/octet-stream' });

async function expectNothingStored(documentId: string) {
  expect(await gw.store.findDocument({ customerId: CUSTOMER, corpusId: CORPUS, documentId })).toBeNull();
  expect(await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS })).toMatchObject({ usedDocs: 0, usedChars: 0 });
}

describe('extraction of generated files', () => {
  beforeEach(() => start());

  (process.platform === 'linux' ? it : it.skip)('parses at a lower CPU priority than the event loop (Linux: nice 10 per worker thread)', async () => {
    expect((await upload('warm.txt', Buffer.from('workers are up'))).status).toBe(200);
    // Both workers (EXTRACT_WORKERS=2 in tests) start with the pool; the second may still be loading.
    const niced = () => fs.readdirSync('/proc/self/task').filter((tid) => os.getPriority(Number(tid)) === 10).length;
    await waitFor(() => niced() >= 2, 10_000, 'two worker threads at nice 10');
    expect(niced()).toBeGreaterThanOrEqual(2);
    expect(os.getPriority()).toBe(0); // this (the event loop's) thread
  });

  it('turns a docx into sections nested by heading, tables as tab-separated rows', async () => {
    const docx = simpleDocx();
    const res = await upload('generated.docx', docx, '&d=true');
    expect(res.status).toBe(200);
    const doc = res.body.document;
    expect(doc.title).toBe('Generated title');
    expect(doc.section).toEqual([
      {
        id: 1,
        title: 'Generated title',
        text: 'Intro paragraph under the first heading.',
        metadataJson: '{"heading_level":1}',
        section: [{ id: 2, title: 'Details', text: 'Text of the details.\nA1\tB1', metadataJson: '{"heading_level":2}' }],
      },
    ]);
    const meta = JSON.parse(doc.metadataJson);
    expect(meta).toMatchObject({ mime_type: expect.stringContaining('wordprocessingml'), extractor: expect.stringMatching(/^mammoth@\d/) });
    expect(meta.sha256).toBe(createHash('sha256').update(docx).digest('hex')); // hashed as it arrived
  });

  it('reads a core.xml character reference past U+10FFFF as U+FFFD, not a failure', async () => {
    const core = `<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Bad &#x110000; &#1114112; ref &amp; more</dc:title></cp:coreProperties>`;
    const res = await upload('bad-core.docx', simpleDocx([{ name: 'docProps/core.xml', data: Buffer.from(core) }]), '&d=true');
    expect(res.status).toBe(200);
    expect(res.body.document.title).toBe('Bad \ufffd \ufffd ref & more');
  });

  it('keeps docx list labels as Word numbers them: "1.", "a)", "iii.", bullets, a restart, numbered headings', async () => {
    const res = await upload('lists.docx', numberedListDocx(), '&d=true');
    expect(res.status).toBe(200);
    const doc = res.body.document;
    expect(doc.title).toBe('Introduction'); // the first heading, without its number
    expect(doc.section).toEqual([
      {
        id: 1,
        title: '1 Introduction',
        text: 'Steps:\n1. First step\na) sub item\nb) another sub item\n2. Second step',
        metadataJson: '{"heading_level":1}',
        section: [
          {
            id: 2,
            title: '1.1 Details',
            // The empty item counts (ii.) but shows nothing; the restart (w:startOverride) is a new
            // w:num of the first list's abstractNum, which the first w:num then continues, in a table too.
            text: 'i. roman one\niii. roman three\n• bullet item\n– dash item\n1. Restarted step\n2. Continued step\n3. Step in a cell',
            metadataJson: '{"heading_level":2}',
          },
        ],
      },
    ]);
  });

  it('bounds docx list labels from hostile numbering and never fails on it', async () => {
    const res = await upload('hostile-lists.docx', hostileNumberingDocx(), '&d=true');
    expect(res.status).toBe(200);
    // Letters past 780 and roman numerals past 3999 fall back to decimal; a 200-character lvlText
    // gives no label; a numStyleLink cycle is no numbering (for mammoth too).
    expect(res.body.document.section[0].text).toBe('999999999) big start\n5000. roman past 3999\nlong label text\nlinked in a circle');
  });

  it('turns a PDF into one section per page with page numbers and metadata', async () => {
    const res = await upload('generated.pdf', textPdf(2, 'A Generated Report'), '&d=true');
    expect(res.status).toBe(200);
    const doc = res.body.document;
    expect(doc.title).toBe('A Generated Report');
    expect(doc.section.map((s: { metadataJson: string }) => JSON.parse(s.metadataJson))).toEqual([{ page: 1 }, { page: 2 }]);
    expect(doc.section[1].text).toBe('Page 2 of the generated PDF.\nThe quick brown fox jumps over the lazy dog.');
    expect(JSON.parse(doc.metadataJson)).toMatchObject({ title: 'A Generated Report', pages: 2, mime_type: 'application/pdf', extractor: '@embedpdf/pdfium@2.15.1' });
  });

  it('detects the type by content, whatever the name says', async () => {
    const pdfAsTxt = await upload('report.txt', textPdf(1));
    expect(pdfAsTxt.status).toBe(200);
    const textAsPdf = await upload('notes.pdf', Buffer.from('just some text, not a PDF'));
    expect(textAsPdf.status).toBe(415);
    expect(textAsPdf.body).toMatchObject({ internalCode: 'TYPE_MISMATCH', detectedType: 'text/plain' });
    expect(textAsPdf.body.details).toContain('named .pdf but its content is plain text');
    const pngAsDocx = await upload('image.docx', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    expect(pngAsDocx.status).toBe(415);
    expect(pngAsDocx.body).toMatchObject({ internalCode: 'TYPE_MISMATCH', detectedType: 'image/png' });
    // A presentation named .docx: both are ZIP formats the gateway reads, so the name lies.
    const slides = await upload('deck.docx', zip([{ name: 'ppt/presentation.xml', data: Buffer.from('<p/>') }]));
    expect(slides.status).toBe(415);
    expect(slides.body).toMatchObject({ internalCode: 'TYPE_MISMATCH', detectedType: expect.stringContaining('presentationml') });
    expect(slides.body.details).toContain('named .docx but its content is a PowerPoint presentation');
    // A spreadsheet is a ZIP no extractor reads: refused naming it.
    const sheet = await upload('book.docx', zip([{ name: 'xl/workbook.xml', data: Buffer.from('<w/>') }]));
    expect(sheet.status).toBe(415);
    expect(sheet.body).toMatchObject({ internalCode: 'TYPE_MISMATCH', detectedType: expect.stringContaining('spreadsheetml') });
    const sheetNoName = await upload('book', zip([{ name: 'xl/workbook.xml', data: Buffer.from('<w/>') }]));
    expect(sheetNoName.status).toBe(415);
    expect(sheetNoName.body).toMatchObject({ internalCode: 'UNSUPPORTED_TYPE', detectedType: expect.stringContaining('spreadsheetml') });
  });

  it('answers 400 EMPTY_FILE for 0 bytes, whatever the name', async () => {
    for (const name of ['empty.pdf', 'empty.docx', 'empty.txt', 'empty.pb']) {
      const res = await upload(name, Buffer.alloc(0));
      expect(res.status).toBe(400);
      expect(res.body.internalCode).toBe('EMPTY_FILE');
    }
  });

  it('normalises text: NFC, control characters dropped, garbled text kept with a warning', async () => {
    const res = await upload('controls.txt', Buffer.from('Cafe\u0301\u0000 bar\u0007\r\nnext line\u001b'), '&d=true');
    expect(res.body.document.section[0].text).toBe('Caf\u00e9 bar\nnext line');
    const garbled = await upload('garbled.txt', Buffer.from('ab\ufffd\ufffd\ufffd'));
    expect(garbled.status).toBe(200);
    expect(garbled.body.warnings).toEqual([{ code: 'TEXT_GARBLED', message: expect.stringContaining('U+FFFD') }]);
  });

  it.each([
    ['declaring 300 MiB', 'zip-bomb.docx', zipBombDocx, 'declare more than 200 MiB'],
    ['with an entry expanding over 200:1', 'ratio-bomb.docx', ratioBombDocx, 'expands'],
    ['whose entry inflates far past its declared size', 'lying.docx', lyingSizeDocx, 'not the 1024 it declares'],
    ['with more than 10,000 entries', 'many.docx', manyEntriesDocx, 'entries (at most 10000)'],
  ])('refuses a docx %s as DECOMPRESSION_BOMB and stores nothing', async (_what, name, make, details) => {
    const res = await upload(name, make());
    expect(res.status).toBe(422);
    expect(res.body.internalCode).toBe('DECOMPRESSION_BOMB');
    expect(res.body.details).toContain(details);
    await expectNothingStored(name);
  });

  it.each([
    ['a little more', 1],
    ['fewer', -1],
  ])('calls a docx entry that inflates to %s bytes than it declares CORRUPT, not a bomb', async (_what, delta) => {
    const document = Buffer.from(documentXml('<w:p><w:r><w:t>Damaged but small.</w:t></w:r></w:p>'));
    const docx = zip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>') },
      { name: 'word/document.xml', data: document, declaredSize: document.length - delta * 100 },
    ]);
    const res = await upload('damaged.docx', docx);
    expect(res.status).toBe(422);
    expect(res.body.internalCode).toBe('CORRUPT');
    expect(res.body.details).toContain('is damaged');
    await expectNothingStored('damaged.docx');
  });

  it.each([
    ['a ZIP without its central directory', 'broken.docx', () => Buffer.from('PK\x03\x04 not a zip at all'), ExtractionError, 'CORRUPT', 422],
    ['a ZIP that is not a docx', 'photos.zip', () => zip([{ name: 'a.txt', data: Buffer.from('a') }]), UnsupportedTypeError, 'UNSUPPORTED_TYPE', 415],
    ['a .txt that is not UTF-8', 'latin1.txt', () => Buffer.from([0x63, 0x61, 0x66, 0xe9]), InvalidRequestError, 'INVALID_TEXT', 400],
  ])('rejects %s from its worker as the error class that owns the code, and answers as before', async (_what, name, make, errorClass, code, status) => {
    const bytes = make();
    const task = { format: detectFormat(name, bytes), source: { bytes }, sha256: createHash('sha256').update(bytes).digest('hex'), filenameId: name, docMetadata: undefined };
    const error = await gw.extractor.extract(task).then(() => null, (err: unknown) => err);
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toMatchObject({ code, name: errorClass.name });
    const { message, extra } = error as InstanceType<typeof errorClass>;
    const res = await upload(name, bytes);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ httpCode: status, internalCode: code, details: message, ...extra });
  });

  it('passes on what mammoth skipped as DOCX_READER_WARNING warnings: once each, short, at most 20', async () => {
    const run = (inner: string) => `<w:p><w:r>${inner}<w:t>kept</w:t></w:r></w:p>`;
    const longName = `w:${'x'.repeat(300)}`;
    const body =
      run(`<${longName}/>`) +
      run('<w:bogus/><w:bogus/>') +
      run('<w:bogus/>') +
      Array.from({ length: 25 }, (_, i) => run(`<w:unknown${i}/>`)).join('') +
      '<w:p><w:pPr><w:pStyle w:val="Undefined"/></w:pPr><w:r><w:t>styled</w:t></w:r></w:p>';
    const res = await upload('warns.docx', simpleDocx([], body), '&d=true');
    expect(res.status).toBe(200);
    expect(res.body.document.section[0].text).toBe(`${'kept\n'.repeat(28)}styled`);
    const warnings = res.body.warnings as { code: string; message: string }[];
    expect(warnings).toHaveLength(20);
    expect(new Set(warnings.map((w) => w.code))).toEqual(new Set(['DOCX_READER_WARNING']));
    expect(warnings[0]!.message).toHaveLength(200);
    expect(warnings[0]!.message).toMatch(/^An unrecognised element was ignored: w:x+…$/);
    expect(warnings[1]).toEqual({ code: 'DOCX_READER_WARNING', message: 'An unrecognised element was ignored: w:bogus' }); // three times in the file
    expect(warnings[2]!.message).toBe('An unrecognised element was ignored: w:unknown0');
    // 27 distinct messages (an undefined style is not one: it loses only formatting): 19 shown,
    // then the count of the 8 left out.
    expect(warnings[19]).toEqual({ code: 'DOCX_READER_WARNING', message: '… and 8 more distinct messages from the docx reader' });
    expect(warnings.some((w) => w.message.includes('referenced but not defined'))).toBe(false);
    const plain = await upload('plain.docx', simpleDocx()); // its Heading1/Heading2 styles are not defined
    expect(plain.body.warnings).toBeUndefined();
  });
});

describe('worker limits', () => {
  it('kills a parse past EXTRACT_TIMEOUT_MS with 422 EXTRACTION_TIMEOUT and keeps serving', async () => {
    await start({ EXTRACT_TIMEOUT_MS: '300', EXTRACT_WORKERS: '1' });
    const res = await upload('slow.pdf', slowPdf(400));
    expect(res.status).toBe(422);
    expect(res.body.internalCode).toBe('EXTRACTION_TIMEOUT');
    expect(res.body.details).toContain('300 ms');
    expect(gw.extractor.stopped.timeout).toBe(1);
    await expectNothingStored('slow.pdf');
    // A text file: a cold replacement worker parsing even a small PDF can pass 300 ms on a busy machine.
    expect((await upload('after.txt', Buffer.from('still serving'))).status).toBe(200);
  });

  it('stops a parse past EXTRACT_MAX_HEAP_MB with 422 EXTRACTION_RESOURCE_LIMIT and keeps serving', async () => {
    // pdf.js holds what it parses on the V8 heap; PDFium holds it in WASM memory, which
    // EXTRACT_MAX_BUFFER_MB caps (test/extraction-isolation.test.ts).
    await start({ EXTRACT_MAX_HEAP_MB: '64', EXTRACT_WORKERS: '1', EXTRACT_TIMEOUT_MS: '120000', PDF_ENGINE: 'pdfjs' });
    const res = await upload('heavy.pdf', heavyPdf(40));
    expect(res.status).toBe(422);
    expect(res.body.internalCode).toBe('EXTRACTION_RESOURCE_LIMIT');
    expect(gw.extractor.stopped.memory).toBe(1);
    await expectNothingStored('heavy.pdf');
    expect((await upload('after.docx', simpleDocx())).status).toBe(200);
  });

  it('answers 503 with Retry-After when the queue is full', async () => {
    await start({ EXTRACT_WORKERS: '1', EXTRACT_QUEUE_MAX: '1', EXTRACT_TIMEOUT_MS: '120000' });
    const slow = slowPdf(150);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => upload(`q${i}.pdf`, slow)));
    const busy = results.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThanOrEqual(1);
    expect(busy[0]!.headers['retry-after']).toBe('5');
    expect(busy[0]!.body.internalCode).toBe('EXTRACTION_BUSY');
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
  });

  it('cancels the parse of a client that goes away', async () => {
    await start({ EXTRACT_WORKERS: '1', EXTRACT_TIMEOUT_MS: '120000' });
    const server = await listen(gw.app);
    try {
      const bytes = slowPdf(2000);
      // The whole body is sent, then the client leaves while its file is being parsed.
      const req = request(`http://127.0.0.1:${server.port}`).post(url).set('Authorization', `Bearer ${token}`).attach('file', bytes, 'leaving.pdf');
      const pending = req.then(
        () => 'answered',
        () => 'aborted',
      );
      await waitFor(() => gw.extractor.running === 1, 30_000);
      req.abort();
      expect(await pending).toBe('aborted');
      await waitFor(() => gw.extractor.stopped.cancelled === 1, 10_000);
      await expectNothingStored('leaving.pdf');
      expect((await upload('next.pdf', textPdf(1))).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('a mixed burst', () => {
  it('serves 20 concurrent uploads of good and hostile files: every good one succeeds, the process stays up', async () => {
    await start({ EXTRACT_WORKERS: '2', EXTRACT_MAX_HEAP_MB: '96', EXTRACT_TIMEOUT_MS: '20000' });
    const kinds: [string, () => Buffer, number][] = [
      ['good.docx', () => simpleDocx(), 200],
      ['good.pdf', () => textPdf(3), 200],
      ['bomb.docx', zipBombDocx, 422],
      ['lying.docx', lyingSizeDocx, 422],
      ['heavy.pdf', () => heavyPdf(40), 422],
      ['fake.pdf', () => Buffer.from('not a pdf at all'), 415],
      ['broken.pdf', () => Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage'), 422],
    ];
    const bytes = kinds.map(([, make]) => make());
    const uploads = Array.from({ length: 20 }, (_, i) => {
      const [name, , status] = kinds[i % kinds.length]!;
      const id = `${i}-${name}`;
      return upload(id, bytes[i % kinds.length]!).then((res) => ({ id, status: res.status, expected: status, code: res.body.internalCode }));
    });
    const results = await Promise.all(uploads);
    for (const r of results) expect(r).toMatchObject({ status: r.expected });
    const good = results.filter((r) => r.expected === 200);
    expect(good.length).toBe(6);
    expect(await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS })).toMatchObject({ usedDocs: 6 });
  }, 120_000);
});
