import type { ExtractionWarning } from '../text-normalize.js';

/** A message of mammoth's: something it skipped or could not make sense of while reading the docx. */
export interface ReaderMessage {
  readonly type: string;
  readonly message: string;
}

/** At most this many reader warnings per upload, the last one counting those left out. */
export const MAX_READER_WARNINGS = 20;
/** A message longer than this is cut (it may quote a name taken from the file). */
const MAX_MESSAGE_CHARS = 200;
/**
 * About the HTML mammoth would write, which is never written here: images are not read, and a
 * style "referenced but not defined" only loses its formatting (headings are also found by style
 * id). Most real documents and every generated fixture had such a message: a warning on every
 * upload would cry wolf.
 */
const HTML_ONLY = /unlikely to display in web browsers|style with ID .* was referenced but not defined/;

/**
 * mammoth's messages as DOCX_READER_WARNING warnings: an element it does not know and skipped, a
 * broken field or table. mammoth gives each message once;
 * messages alike once shortened are kept once too. At most MAX_READER_WARNINGS, in mammoth's order.
 */
export function readerWarnings(messages: readonly ReaderMessage[]): ExtractionWarning[] {
  const distinct = new Set<string>();
  for (const { type, message } of messages) {
    if (!HTML_ONLY.test(message)) distinct.add(shorten(type === 'error' ? `error: ${message}` : message));
  }
  const texts = [...distinct];
  if (texts.length <= MAX_READER_WARNINGS) return texts.map(warning);
  const shown = texts.slice(0, MAX_READER_WARNINGS - 1);
  return [...shown.map(warning), warning(`… and ${texts.length - shown.length} more distinct messages from the docx reader`)];
}

function warning(message: string): ExtractionWarning {
  return { code: 'DOCX_READER_WARNING', message };
}

/** One line, at most MAX_MESSAGE_CHARS characters (a cut one ends in "…"). */
function shorten(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE_CHARS ? `${line.slice(0, MAX_MESSAGE_CHARS - 1)}…` : line;
}
