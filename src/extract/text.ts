import { InvalidRequestError } from '../errors/index.js';
import { newDocument, type Document } from '../document/index.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** A UTF-8 text file becomes one section holding the whole text (the BOM is dropped). */
export function textToDocument(bytes: Uint8Array, documentId: string): Document {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new InvalidRequestError('INVALID_TEXT', 'the .txt file is not valid UTF-8');
  }
  if (text.trim() === '') throw new InvalidRequestError('EMPTY_FILE', 'the .txt file has no text');
  return newDocument({ documentId, section: [{ $typeName: 'com.vectara.indexing.Section', id: 1, title: '', text: text.normalize('NFC'), metadataJson: '', customDims: [], section: [] }] });
}
