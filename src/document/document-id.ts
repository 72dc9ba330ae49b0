import { InvalidRequestError } from '../errors/index.js';

export const MAX_DOCUMENT_ID_BYTES = 1024;

// C0 controls, DEL and C1 controls: never part of a name a person or a path would carry.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/u;

/**
 * The document id as stored: NFC-normalised so that a name sent decomposed (macOS) and one sent
 * composed are the same document. Paths and URLs are kept whole (ids are opaque to us).
 */
export function normalizeDocumentId(raw: string, source: string): string {
  const id = raw.normalize('NFC');
  if (id.length === 0) throw new InvalidRequestError('INVALID_DOCUMENT_ID', `${source} is empty`);
  if (Buffer.byteLength(id, 'utf8') > MAX_DOCUMENT_ID_BYTES) {
    throw new InvalidRequestError(
      'INVALID_DOCUMENT_ID',
      `${source} is ${Buffer.byteLength(id, 'utf8')} bytes long; at most ${MAX_DOCUMENT_ID_BYTES} bytes (UTF-8) are allowed`,
    );
  }
  if (CONTROL_CHARACTERS.test(id)) {
    throw new InvalidRequestError('INVALID_DOCUMENT_ID', `${source} contains control characters`);
  }
  if (id.includes('\ufffd')) {
    throw new InvalidRequestError('INVALID_DOCUMENT_ID', `${source} is not valid UTF-8`);
  }
  return id;
}
