import request from 'supertest';
import sharp from 'sharp';
import { CORPUS, CUSTOMER, useGateway, type GatewayFixture } from './helpers/gateway.js';
import { blankPng, hugePngHeader, rotatedPng, scannedPdf, textPng, twoPageTiff } from '../scripts/fixtures.js';
import { skewAngle } from '../src/extract/ocr/deskew.js';
import { flattenSections, normalizeForMatch, type JsonSection } from './helpers/corpus.js';

/**
 * OCR (issue 14) through the real upload route and real extraction workers: generated images and
 * a scanned PDF, text and metadata, blank pages, the pixel cap, hostile images, OCR=off.
 */
interface Uploaded {
  status: number;
  body: { internalCode?: string; document?: { metadataJson?: string; section?: JsonSection[] } };
}

function uploader(gw: GatewayFixture) {
  let token: string | undefined;
  return async (name: string, bytes: Buffer): Promise<Uploaded> => {
    token ??= await gw.token();
    const res = await request(gw.app)
      .post(`/v1/upload?c=${CUSTOMER}&o=${CORPUS}&d=true`)
      .set('Authorization', `Bearer ${token}`)
      .attach('file', bytes, { filename: name, contentType: 'application/octet-stream' });
    return { status: res.status, body: res.body as Uploaded['body'] };
  };
}

const sectionsOf = (u: Uploaded) => flattenSections(u.body.document?.section).map((s) => ({ text: normalizeForMatch(s.text ?? ''), metadata: JSON.parse(s.metadataJson || '{}') as Record<string, unknown> }));
const metadataOf = (u: Uploaded) => JSON.parse(u.body.document?.metadataJson ?? '{}') as Record<string, unknown>;

describe('deskew: the projection-profile search finds known rotations', () => {
  it.each([-17, -8, -3, 0, 4, 11, 19])('an image turned by %d° measures its opposite', async (degrees) => {
    const png = await sharp(await textPng(['A line of text to straighten', 'and another one below it', 'and a third for good measure'])).rotate(degrees, { background: '#ffffff' }).greyscale().png().toBuffer();
    expect(Math.abs((await skewAngle(png)) + degrees)).toBeLessThanOrEqual(0.5);
  });
});

describe('OCR=auto (the default)', () => {
  const gw = useGateway();
  const upload = uploader(gw);

  it('reads a PNG: text, ocr metadata, extractor', async () => {
    const res = await upload('scan.png', await textPng());
    expect(res.status).toBe(200);
    const [section, ...rest] = sectionsOf(res);
    expect(rest).toEqual([]);
    expect(section!.text).toContain('Generated scan for OCR');
    expect(section!.text).toContain('The lazy dog sleeps');
    expect(section!.metadata).toMatchObject({ ocr: true });
    expect(section!.metadata['ocr_confidence']).toBeGreaterThanOrEqual(80);
    expect(metadataOf(res)).toMatchObject({ ocr_pages: 1, pages: 1, mime_type: 'image/png', extractor: expect.stringMatching(/^tesseract\.js@7\./) });
  });

  it('straightens a page turned by 12° before reading it', async () => {
    const res = await upload('rotated.png', await rotatedPng(12));
    expect(res.status).toBe(200);
    expect(sectionsOf(res)[0]!.text).toContain('Generated scan for OCR');
  });

  it('reads each page of a JPEG-compressed TIFF as a section of its own', async () => {
    const res = await upload('pages.tif', await twoPageTiff());
    expect(res.status).toBe(200);
    const sections = sectionsOf(res);
    expect(sections.map((s) => s.metadata['page'])).toEqual([1, 2]);
    expect(sections[0]!.text).toContain('First page of the scan');
    expect(sections[1]!.text).toContain('Second page of the scan');
    expect(metadataOf(res)).toMatchObject({ pages: 2, ocr_pages: 2, mime_type: 'image/tiff' });
  });

  it('reads a PDF page that is only an image (rendered by PDFium at 300 dpi)', async () => {
    const res = await upload('scanned.pdf', await scannedPdf());
    expect(res.status).toBe(200);
    const sections = sectionsOf(res);
    expect(sections.map((s) => s.text).join('\n')).toContain('The lazy dog sleeps');
    expect(sections.every((s) => s.metadata['ocr'] === true)).toBe(true);
    expect(metadataOf(res)).toMatchObject({ pages: 1, ocr_pages: 1, extractor: expect.stringMatching(/^(@embedpdf\/pdfium|pdfjs-dist)@[\d.]+\+tesseract\.js@7\./) });
  });

  it('answers NO_TEXT for a blank image, and stores nothing', async () => {
    const res = await upload('blank.png', await blankPng());
    expect({ status: res.status, code: res.body.internalCode }).toEqual({ status: 422, code: 'NO_TEXT' });
    expect(await gw.store.findDocument({ customerId: CUSTOMER, corpusId: CORPUS, documentId: 'blank.png' })).toBeNull();
  });

  it('refuses an image declaring 100000×100000 pixels from its header, and the next upload works', async () => {
    const res = await upload('huge.png', hugePngHeader());
    expect({ status: res.status, code: res.body.internalCode }).toEqual({ status: 422, code: 'EXTRACTION_RESOURCE_LIMIT' });
    expect((await upload('after-huge.png', await textPng())).status).toBe(200);
  });

  it('answers CORRUPT for a truncated image, and the next upload works', async () => {
    const png = await textPng();
    const res = await upload('truncated.png', png.subarray(0, Math.floor(png.length / 2)));
    expect({ status: res.status, code: res.body.internalCode }).toEqual({ status: 422, code: 'CORRUPT' });
    expect((await upload('after-truncated.png', png)).status).toBe(200);
  });

  it('answers TYPE_MISMATCH for text named .png', async () => {
    const res = await upload('notes.png', Buffer.from('just some text\n'));
    expect({ status: res.status, code: res.body.internalCode }).toEqual({ status: 415, code: 'TYPE_MISMATCH' });
  });
});

describe('OCR_MAX_MEGAPIXELS', () => {
  const gw = useGateway({ env: { OCR_MAX_MEGAPIXELS: '1' } });
  const upload = uploader(gw);

  it('refuses a PDF page whose 300 dpi rendering would pass the cap (Letter: 8.4 megapixels)', async () => {
    const res = await upload('scanned.pdf', await scannedPdf());
    expect({ status: res.status, code: res.body.internalCode }).toEqual({ status: 422, code: 'EXTRACTION_RESOURCE_LIMIT' });
  });

  it('refuses an image over the cap', async () => {
    const res = await upload('big.png', await blankPng(1500, 1000));
    expect({ status: res.status, code: res.body.internalCode }).toEqual({ status: 422, code: 'EXTRACTION_RESOURCE_LIMIT' });
  });
});

describe('OCR_TIMEOUT_MS', () => {
  const gw = useGateway({ env: { OCR_TIMEOUT_MS: '100', EXTRACT_WORKERS: '1' } });
  const upload = uploader(gw);

  it('stops OCR past its own budget with EXTRACTION_TIMEOUT, and the worker goes on serving', async () => {
    const res = await upload('slow-scan.pdf', await scannedPdf());
    expect({ status: res.status, code: res.body.internalCode }).toEqual({ status: 422, code: 'EXTRACTION_TIMEOUT' });
    expect((await upload('plain.txt', Buffer.from('still serving\n'))).status).toBe(200);
  });
});

describe('OCR and EXTRACT_TIMEOUT_MS', () => {
  // The parse itself is quick; OCR takes longer than EXTRACT_TIMEOUT_MS but within OCR_TIMEOUT_MS.
  // (PDFium alone: pdf.js's cold import in the auto fallback could take a slow machine's 1 s.)
  const gw = useGateway({ env: { EXTRACT_TIMEOUT_MS: '1000', EXTRACT_WORKERS: '1', PDF_ENGINE: 'pdfium' } });
  const upload = uploader(gw);

  it('counts OCR time against OCR_TIMEOUT_MS, not EXTRACT_TIMEOUT_MS', async () => {
    const started = performance.now();
    const res = await upload('scanned.pdf', await scannedPdf());
    expect({ status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({ status: 200, body: 'ok' });
    // The model's first load alone takes ~1 s: OCR ran past EXTRACT_TIMEOUT_MS.
    expect(performance.now() - started).toBeGreaterThan(1000);
    expect(gw.extractor.stopped.timeout).toBe(0);
  });
});

describe('OCR=off: the answers without OCR', () => {
  const gw = useGateway({ env: { OCR: 'off' } });
  const upload = uploader(gw);

  it('refuses images as unsupported', async () => {
    const res = await upload('scan.png', await textPng());
    expect({ status: res.status, code: res.body.internalCode }).toEqual({ status: 415, code: 'UNSUPPORTED_TYPE' });
  });

  it('answers NO_TEXT for a scanned PDF', async () => {
    const res = await upload('scanned.pdf', await scannedPdf());
    expect({ status: res.status, code: res.body.internalCode }).toEqual({ status: 422, code: 'NO_TEXT' });
  });
});
