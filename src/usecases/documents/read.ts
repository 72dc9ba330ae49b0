import { authorize, type Principal } from '../../auth/index.js';
import { DocumentNotFoundError } from '../../errors/index.js';
import { normalizeDocumentId } from '../../document/index.js';
import type { DocumentKey, DocumentRecord } from '../../store/index.js';
import type { UseCaseDeps } from '../deps.js';
import { requireCorpus } from '../corpora/require-corpus.js';

/** The stored Document, binary protobuf (as stored, unpacked); DocumentNotFoundError when absent. */
export async function getDocument(deps: UseCaseDeps, principal: Principal, key: DocumentKey): Promise<Uint8Array> {
  key = await readable(deps, principal, key);
  const bytes = await deps.store.getDocument(key);
  if (!bytes) throw new DocumentNotFoundError(key.documentId, key.corpusId);
  return bytes;
}

/** What operators see of a stored document: title, metadata, charge, provenance. */
export async function getDocumentRecord(deps: UseCaseDeps, principal: Principal, key: DocumentKey): Promise<DocumentRecord> {
  key = await readable(deps, principal, key);
  const record = await deps.store.getDocumentRecord(key);
  if (!record) throw new DocumentNotFoundError(key.documentId, key.corpusId);
  return record;
}

/** The key, its id normalised as stored ids are (NFC), once the principal may read its existing corpus. */
async function readable(deps: UseCaseDeps, principal: Principal, key: DocumentKey): Promise<DocumentKey> {
  authorize(principal, key, 'read');
  const documentId = normalizeDocumentId(key.documentId, 'the document id');
  await requireCorpus(deps.store, key);
  return { ...key, documentId };
}
