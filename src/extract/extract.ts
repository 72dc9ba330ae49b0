import { decodeDocument, type Document } from '../document/index.js';
import type { InputFormat } from './formats.js';
import { textToDocument } from './text.js';

/**
 * Turns the uploaded bytes into a Document. For raw files `documentId` is the id taken from the
 * filename; Document files carry their own.
 */
export function extractDocument(format: InputFormat, bytes: Uint8Array, documentId: string | null): Document {
  switch (format.name) {
    case 'text':
      return textToDocument(bytes, documentId ?? '');
    default:
      return decodeDocument(format.encoding, bytes);
  }
}
