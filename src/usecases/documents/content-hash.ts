import { createHash } from 'node:crypto';
import { canonicalJson, type JsonObject } from '../../document/index.js';

/**
 * What makes two uploads "the same": the file bytes (by their SHA-256) and the doc_metadata sent
 * with them, in canonical form so that key order and spacing do not matter. A raw file's content
 * hash; every stored document's upload hash (the replay check before parsing).
 */
export function uploadHash(fileSha256: string, docMetadata: JsonObject | undefined): string {
  return createHash('sha256')
    .update(`corpusgate/v1\n${fileSha256}\n${docMetadata === undefined ? '' : canonicalJson(docMetadata)}`)
    .digest('hex');
}

/**
 * The same for a Document upload: the Document's canonical SHA-256 (computed by the extraction
 * worker) instead of the bytes', so .pb, .pbtxt and .json of one Document are one upload. A
 * prefix of its own keeps it apart from byte hashes. The same bytes again are a replay before any
 * parsing, found by their upload hash.
 */
export function documentContentHash(canonicalSha256: string, docMetadata: JsonObject | undefined): string {
  return createHash('sha256')
    .update(`corpusgate/document-v1\n${canonicalSha256}\n${docMetadata === undefined ? '' : canonicalJson(docMetadata)}`)
    .digest('hex');
}
