import { authorize, type Principal } from '../../auth/index.js';
import { canonicalJson, isJsonObject } from '../../document/index.js';
import { InvalidRequestError } from '../../errors/index.js';
import type { CorpusRef } from '../../store/index.js';
import type { IngestDeps } from '../deps.js';
import { inMemoryFile, uploadDocument, type UploadResult } from './upload.js';

/**
 * Vectara's v1 index call: a Document given as proto3 JSON (already parsed) into a corpus. The
 * same Document sent with other key order or spacing is a replay, not a 409: it is hashed as
 * canonical JSON.
 */
export async function indexDocument(
  deps: IngestDeps,
  principal: Principal,
  input: { readonly target: CorpusRef; readonly document: unknown; readonly signal?: AbortSignal },
): Promise<UploadResult> {
  authorize(principal, input.target, 'write');
  if (!isJsonObject(input.document)) {
    throw new InvalidRequestError('INVALID_DOCUMENT', 'document must be a com.vectara.indexing.Document in proto3 JSON');
  }
  return uploadDocument(deps, principal, {
    target: input.target,
    file: inMemoryFile('', Buffer.from(canonicalJson(input.document), 'utf8')),
    format: { name: 'document-json', encoding: 'json', idFrom: 'document' },
    docMetadata: undefined,
    returnDocument: false,
    ...(input.signal ? { signal: input.signal } : {}),
  });
}
