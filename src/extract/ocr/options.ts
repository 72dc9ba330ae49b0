/** OCR settings every extraction worker is given (OCR, OCR_MAX_PAGES, OCR_MAX_MEGAPIXELS, OCR_TIMEOUT_MS). */
export interface OcrOptions {
  readonly enabled: boolean;
  readonly maxPages: number;
  /** Largest image or rendered page, in pixels (width × height), checked before decoding. */
  readonly maxPixels: number;
  /** OCR's budget per file, counted from the first recognised page. */
  readonly timeoutMs: number;
}

export const OCR_OFF: OcrOptions = { enabled: false, maxPages: 50, maxPixels: 40_000_000, timeoutMs: 120_000 };

/** PDF pages without a text layer are rendered at this resolution for OCR. */
export const OCR_DPI = 300;

/**
 * A page whose mean word confidence is below this counts as having no text: tesseract reads
 * noise and blank scans as a few junk characters at confidence ~0-30 (a straight page of print
 * reads at 90+; the corpus's lowest real page, a TIFF page, at 74).
 */
export const MIN_PAGE_CONFIDENCE = 40;

let ocrStarted: (() => void) | null = null;

/** The extraction worker's listener for "this parse starts OCR" (null between parses). */
export function setOcrStartedListener(listener: (() => void) | null): void {
  ocrStarted = listener;
}

/**
 * Tells the pool that this parse starts OCR: its time limit grows by OCR_TIMEOUT_MS (once per
 * parse; later calls do nothing). Returns the OCR deadline (performance.now() time).
 */
export function startOcr(ocr: OcrOptions): number {
  ocrStarted?.();
  ocrStarted = null;
  return performance.now() + ocr.timeoutMs;
}
