import { decodeDocument } from '../../document/codecs.js';
import { normalizeDocumentId } from '../../document/document-id.js';
import { detectFormat } from '../../extract/formats.js';

/**
 * The document id the gateway will store this file under, worked out with the gateway's own
 * detection (content first, then extension) so that the two cannot disagree: a raw file's id
 * is its name, a Document file's id is its `document_id`. Null when the gateway would refuse
 * the file: it is then sent, and the gateway's answer says why.
 */
export function expectedDocumentId(name: string, bytes: Uint8Array): string | null {
  try {
    const format = detectFormat(name, bytes);
    if (format.idFrom === 'filename') return normalizeDocumentId(name, 'the filename');
    return normalizeDocumentId(decodeDocument(format.encoding, bytes).documentId, "the Document's document_id");
  } catch {
    return null;
  }
}
