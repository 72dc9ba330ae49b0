import { authorize, type Principal } from '../../auth/index.js';
import { DocumentNotFoundError } from '../../errors/index.js';
import { normalizeDocumentId } from '../../document/index.js';
import type { DocumentKey } from '../../store/index.js';
import type { UseCaseDeps } from '../deps.js';
import { requireCorpus } from '../corpora/require-corpus.js';

/**
 * Removes a document and gives its charge back. `ifAbsent`: 'fail' throws DocumentNotFoundError
 * (REST), 'ignore' makes the delete idempotent (Vectara's v1 delete-doc). Answers whether
 * something was removed. The id is normalised as stored ids are (NFC), so either form finds it.
 */
export async function deleteDocument(
  deps: UseCaseDeps,
  principal: Principal,
  key: DocumentKey,
  ifAbsent: 'fail' | 'ignore',
): Promise<boolean> {
  authorize(principal, key, 'write');
  const documentId = normalizeDocumentId(key.documentId, 'the document id');
  await requireCorpus(deps.store, key);
  const deleted = await deps.store.deleteDocument({ ...key, documentId });
  if (!deleted && ifAbsent === 'fail') throw new DocumentNotFoundError(documentId, key.corpusId);
  return deleted;
}
