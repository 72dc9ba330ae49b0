import { ExtractionError, InvalidRequestError } from '../errors/index.js';
import { draftSection, type DraftDocument } from './draft.js';
import { garbledWarning, normalizeText } from './text-normalize.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** A UTF-8 text file becomes one section holding the whole text (the BOM is dropped). */
export function extractText(bytes: Uint8Array): DraftDocument {
  let raw: string;
  try {
    raw = utf8.decode(bytes);
  } catch {
    throw new InvalidRequestError('INVALID_TEXT', 'the .txt file is not valid UTF-8');
  }
  const text = normalizeText(raw);
  if (text === '') throw new ExtractionError('NO_TEXT', 'the .txt file has no text');
  const warning = garbledWarning(text);
  return { title: '', metadata: {}, sections: [draftSection('', text)], warnings: warning ? [warning] : [] };
}
