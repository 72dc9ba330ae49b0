/** Warnings travel with a result; clients ignore codes they do not know. */
export interface ExtractionWarning {
  readonly code: 'TEXT_GARBLED' | 'OWNER_PASSWORD_IGNORED' | 'CONTENT_SKIPPED';
  readonly message: string;
}

// C0 controls except tab (09) and newline (0A), plus DEL: never meaningful in indexed text.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

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

/** A warning when more than 20 % of the characters are U+FFFD (undecodable glyphs). */
export function garbledWarning(text: string): ExtractionWarning | null {
  let replacement = 0;
  let total = 0;
  for (const ch of text) {
    if (ch === ' ' || ch === '\n' || ch === '\t') continue;
    total++;
    if (ch === '\ufffd') replacement++;
  }
  if (total === 0 || replacement / total <= GARBLED_RATIO) return null;
  return {
    code: 'TEXT_GARBLED',
    message: `${Math.round((100 * replacement) / total)} % of the extracted characters could not be decoded (U+FFFD); the text was kept`,
  };
}
