import sharp, { type Metadata, type Sharp } from 'sharp';
import { ExtractionError, GatewayError, UnsupportedTypeError } from '../../errors/index.js';
import { draftSection, type DraftDocument, type DraftSection } from '../draft.js';
import { asBuffer, IMAGE_MIME, SUPPORTED_TYPES, type ImageKind } from '../sniff.js';
import { normalizeText, type ExtractionWarning } from '../text-normalize.js';
import { bmpSize, decodeBmp } from './bmp.js';
import { MIN_PAGE_CONFIDENCE, startOcr, type OcrOptions } from './options.js';
import { recognize, TESSERACT_EXTRACTOR } from './tesseract.js';

// One libvips thread and no operation cache per extraction worker: the pool is the parallelism,
// and a cache would keep decoded pixels after the parse.
sharp.concurrency(1);
sharp.cache(false);

/** Refused before decoding: the declared size is over OCR_MAX_MEGAPIXELS. */
export function pixelCapError(what: string, width: number, height: number, maxPixels: number): ExtractionError {
  return new ExtractionError(
    'EXTRACTION_RESOURCE_LIMIT',
    `${what} is ${width}×${height} pixels (${(width * height / 1e6).toFixed(1)} megapixels), over OCR_MAX_MEGAPIXELS (${maxPixels / 1e6}); it was not decoded`,
  );
}

/** sharp's errors as the gateway's: its own pixel limit, or an image it cannot decode. */
function sharpError(err: unknown, maxPixels: number): GatewayError {
  if (err instanceof GatewayError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) return new ExtractionError('EXTRACTION_RESOURCE_LIMIT', `the image is over OCR_MAX_MEGAPIXELS (${maxPixels / 1e6}); it was not decoded`);
  return new ExtractionError('CORRUPT', `the image cannot be decoded: ${message}`);
}

/** Recognised text of a page, or null when nothing on it reads as text. */
export function pageText(result: { text: string; confidence: number }): string | null {
  const text = normalizeText(result.text);
  return text === '' || result.confidence < MIN_PAGE_CONFIDENCE ? null : text;
}

/**
 * An image upload (jpg, png, bmp, tiff — each page of a TIFF) read by OCR: one section per page
 * with text. Sizes are checked from the header before anything is decoded; everything is decoded
 * by sharp (BMP by bmp.ts) to a greyscale PNG that tesseract reads.
 */
export async function extractImage(bytes: Uint8Array, kind: ImageKind, sha256: string, ocr: OcrOptions): Promise<DraftDocument> {
  if (!ocr.enabled) {
    throw new UnsupportedTypeError(`unsupported file type: a ${kind.toUpperCase()} image (OCR is off); supported: ${SUPPORTED_TYPES.join(', ')}`, SUPPORTED_TYPES, IMAGE_MIME[kind]);
  }
  const input = asBuffer(bytes);
  const deadline = startOcr(ocr);
  const warnings: ExtractionWarning[] = [];
  const { pages: pngs, pageCount } = await decodedPages(input, kind, ocr, warnings);
  const sections: DraftSection[] = [];
  let ocrPages = 0;
  for (const [i, png] of pngs.entries()) {
    const result = await recognize(await png(), deadline);
    ocrPages++;
    const text = pageText(result);
    if (text !== null) {
      sections.push(draftSection('', text, { ...(pageCount > 1 ? { page: i + 1 } : {}), ocr: true, ocr_confidence: Math.round(result.confidence) }));
    }
  }
  if (sections.length === 0) throw new ExtractionError('NO_TEXT', 'OCR found no text in the image');
  return {
    title: '',
    metadata: { pages: pageCount, mime_type: IMAGE_MIME[kind], sha256, extractor: TESSERACT_EXTRACTOR, ocr_pages: ocrPages },
    sections,
    warnings,
  };
}

type PngPage = () => Promise<Buffer>;

/** The pages to recognise, each decoded when its turn comes; sizes checked first. */
async function decodedPages(input: Buffer, kind: ImageKind, ocr: OcrOptions, warnings: ExtractionWarning[]): Promise<{ pages: PngPage[]; pageCount: number }> {
  const { maxPixels } = ocr;
  const toPng = (image: Sharp) => image.flatten({ background: '#ffffff' }).greyscale().png({ compressionLevel: 1 }).toBuffer();
  if (kind === 'bmp') {
    const { width, height } = bmpSize(input);
    if (width * height > maxPixels) throw pixelCapError('the image', width, height, maxPixels);
    const page = async () => {
      const { pixels, channels } = decodeBmp(input);
      return toPng(sharp(pixels, { raw: { width, height, channels } })).catch((err: unknown) => Promise.reject(sharpError(err, maxPixels)));
    };
    return { pages: [page], pageCount: 1 };
  }
  let metadata: Metadata;
  try {
    metadata = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw sharpError(err, maxPixels);
  }
  const pageCount = kind === 'tiff' ? Math.max(1, metadata.pages ?? 1) : 1;
  const pages: PngPage[] = [];
  for (let page = 0; page < Math.min(pageCount, ocr.maxPages); page++) {
    // Each page's own header (TIFF pages may differ in size).
    const size = page === 0 ? metadata : await sharp(input, { page, limitInputPixels: false }).metadata().catch((err: unknown) => Promise.reject(sharpError(err, maxPixels)));
    const width = size.width ?? 0;
    const height = size.height ?? 0;
    if (width * height > maxPixels) throw pixelCapError(pageCount > 1 ? `page ${page + 1} of the image` : 'the image', width, height, maxPixels);
    // limitInputPixels again: libvips checks the header itself before decoding.
    pages.push(() => toPng(sharp(input, { page, limitInputPixels: maxPixels, failOn: 'error' }).rotate()).catch((err: unknown) => Promise.reject(sharpError(err, maxPixels))));
  }
  if (pageCount > ocr.maxPages) {
    warnings.push({ code: 'CONTENT_SKIPPED', message: `${pageCount - ocr.maxPages} page(s) past OCR_MAX_PAGES (${ocr.maxPages}) were not recognised` });
  }
  return { pages, pageCount };
}
