/** Warnings travel with a result; clients ignore codes they do not know. */
export interface ExtractionWarning {
  readonly code: 'TEXT_GARBLED' | 'OWNER_PASSWORD_IGNORED' | 'CONTENT_SKIPPED' | 'OUTLINE_UNREADABLE' | 'RUNNING_TEXT_DROPPED' | 'DOCX_READER_WARNING';
  readonly message: string;
}

// C0 controls except tab (09) and newline (0A), DEL, and the noncharacters U+FFFE/U+FFFF (PDFium
// marks line-end hyphens with U+FFFE): never meaningful in indexed text.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\ufffe\uffff]/g;

/** NFC, controls dropped, spaces at line ends trimmed, runs of blank lines collapsed. */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .normalize('NFC')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export const GARBLED_RATIO = 0.2;

/**
 * A warning when more than 20 % of the characters are U+FFFD (undecodable glyphs). Takes the
 * texts one by one (a PDF's pages): joining them first built one more copy of the whole text.
 * Counts code points, skipping whitespace, with charCodeAt (a `for…of` over an 8.8 MB text took
 * ~60 ms of the worker's time).
 */
export function garbledWarning(texts: string | readonly string[]): ExtractionWarning | null {
  let replacement = 0;
  let total = 0;
  for (const text of typeof texts === 'string' ? [texts] : texts) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x09) continue;
      total++;
      if (c === 0xfffd) replacement++;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) i++; // one code point, two code units
      }
    }
  }
  if (total === 0 || replacement / total <= GARBLED_RATIO) return null;
  return {
    code: 'TEXT_GARBLED',
    message: `${Math.round((100 * replacement) / total)} % of the extracted characters could not be decoded (U+FFFD); the text was kept`,
  };
}
