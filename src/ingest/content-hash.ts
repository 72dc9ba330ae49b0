import { createHash } from 'node:crypto';
import { canonicalJson, type JsonObject } from '../document/index.js';

/**
 * What makes two uploads "the same": the file bytes (by their SHA-256) and the doc_metadata sent
 * with them, in canonical form so that key order and spacing do not matter.
 */
export function contentHash(fileSha256: string, docMetadata: JsonObject | undefined): string {
  return createHash('sha256')
    .update(`corpusgate/v1\n${fileSha256}\n${docMetadata === undefined ? '' : canonicalJson(docMetadata)}`)
    .digest('hex');
}
