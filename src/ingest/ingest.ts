import { CorpusNotFoundError, InvalidRequestError } from '../errors/index.js';
import type { Principal } from '../auth/index.js';
import {
  decodeStoredDocument,
  encodeDocument,
  mergeMetadataJson,
  normalizeDocumentId,
  numberSections,
  type Document,
  type JsonObject,
} from '../document/index.js';
import { detectFormat, extractDocument } from '../extract/index.js';
import { computeCharge, type Charge } from '../quota/index.js';
import type { CorpusRef, DocumentStore, StoredDocumentSummary } from '../store/index.js';
import { contentHash } from './content-hash.js';

export interface IngestDeps {
  readonly store: DocumentStore;
}

export interface UploadedFile {
  /** The part's filename, as sent (decoded, not yet normalised). */
  readonly filename: string;
  readonly bytes: Uint8Array;
  readonly sha256: string;
}

export interface IngestRequest {
  readonly principal: Principal;
  readonly target: CorpusRef;
  readonly file: UploadedFile;
  readonly docMetadata: JsonObject | undefined;
  /** d=true: the result carries the stored Document. */
  readonly returnDocument: boolean;
}

export interface IngestResult {
  readonly status: 'created' | 'replayed';
  readonly documentId: string;
  readonly charge: Charge;
  readonly document?: Document;
}

/**
 * The upload use case: one file into one corpus. Replays are answered from the content hash
 * before any parsing; the insert, the quota check and the charge happen in one store step.
 */
export async function ingest(deps: IngestDeps, request: IngestRequest): Promise<IngestResult> {
  const { store } = deps;
  const { target, file } = request;
  if (!(await store.getCorpus(target))) throw new CorpusNotFoundError(target.customerId, target.corpusId);

  // The filename is checked for every upload: it names the type, and a raw file's document id.
  const filename = normalizeDocumentId(file.filename, 'the filename');
  const format = detectFormat(filename);
  const hash = contentHash(file.sha256, request.docMetadata);
  const idFromName = format.idFrom === 'filename' ? filename : null;

  const seen =
    idFromName !== null
      ? await store.findDocument({ ...target, documentId: idFromName })
      : await store.findDocumentByContentHash(target, hash);
  if (seen && seen.contentHash === hash) return replayed(deps, seen, request.returnDocument);
  // A different hash under the same id falls through: putIfAbsent throws the 409 atomically.

  const document = extractDocument(format, file.bytes, idFromName);
  document.documentId = idFromName ?? normalizeDocumentId(document.documentId, 'the Document\'s document_id');
  document.metadataJson = mergeMetadataJson(document.metadataJson, request.docMetadata, 'the Document\'s');
  numberSections(document);
  if (document.section.length === 0) {
    throw new InvalidRequestError('INVALID_DOCUMENT', 'the Document has no sections: there is nothing to index');
  }
  const charge = computeCharge(document);

  const outcome = await store.putIfAbsent({
    key: { ...target, documentId: document.documentId },
    contentHash: hash,
    document: encodeDocument(document),
    charge,
    provenance: { sourceSha256: file.sha256, sourceSize: file.bytes.length, sourceFormat: format.name, uploader: request.principal.subject },
  });
  if (outcome.status === 'replayed') return replayed(deps, outcome.stored, request.returnDocument);
  return { status: 'created', documentId: document.documentId, charge, ...(request.returnDocument ? { document } : {}) };
}

async function replayed(deps: IngestDeps, stored: StoredDocumentSummary, returnDocument: boolean): Promise<IngestResult> {
  const result: IngestResult = { status: 'replayed', documentId: stored.key.documentId, charge: stored.charge };
  if (!returnDocument) return result;
  const bytes = await deps.store.getDocument(stored.key);
  return bytes ? { ...result, document: decodeStoredDocument(bytes) } : result;
}
