import { createHash } from 'node:crypto';
import { requireCorpus } from '../corpora/require-corpus.js';
import { UnsupportedTypeError } from '../../errors/index.js';
import { authorize, type Principal } from '../../auth/index.js';
import { decodeStoredDocument, normalizeDocumentId, unpackDocument, type Document, type JsonObject } from '../../document/index.js';
import { detectFormat, SUPPORTED_TYPES, type BuiltDocument, type ExtractionWarning, type FileContent, type InputFormat } from '../../extract/index.js';
import type { Charge } from '../../quota/index.js';
import type { CorpusRef, NewDocument, StoredDocumentSummary } from '../../store/index.js';
import type { IngestDeps } from '../deps.js';
import { documentContentHash, uploadHash } from './content-hash.js';

export interface UploadedFile {
  /** The part's filename, as sent (decoded, not yet normalised). */
  readonly filename: string;
  readonly size: number;
  /** The first bytes (all of a small file): type detection reads only these. */
  readonly head: Uint8Array;
  readonly content: FileContent;
  readonly sha256: string;
}

/** An upload whose bytes are in memory already (e.g. built from a JSON body). */
export function inMemoryFile(filename: string, bytes: Uint8Array): UploadedFile {
  return { filename, size: bytes.length, head: bytes, content: { bytes }, sha256: createHash('sha256').update(bytes).digest('hex') };
}

export interface UploadInput {
  readonly target: CorpusRef;
  readonly file: UploadedFile;
  /**
   * Set when the caller already knows what the bytes are (POST /v1/index sends a Document): no
   * detection, and the filename is not used.
   */
  readonly format?: InputFormat;
  /**
   * Set by batch jobs: the id to store the Document under (the job's UUID). The filename then
   * only names the type, and Document files (whose id is inside them) are refused.
   */
  readonly documentId?: string;
  readonly docMetadata: JsonObject | undefined;
  /** d=true: the result carries the stored Document. */
  readonly returnDocument: boolean;
  /** Aborted when the client goes away: a queued or running parse is cancelled. */
  readonly signal?: AbortSignal;
}

export interface UploadResult {
  readonly status: 'created' | 'replayed';
  readonly documentId: string;
  readonly charge: Charge;
  readonly warnings: readonly ExtractionWarning[];
  readonly document?: Document;
}

/**
 * The upload use case: one file into one corpus. Replays are answered from the content hash
 * before any parsing; parsing happens in a worker; the insert, the quota check (the quota
 * policy's, asked by the store) and the charge happen in one store step.
 */
export async function uploadDocument(deps: IngestDeps, principal: Principal, request: UploadInput): Promise<UploadResult> {
  const { store } = deps;
  const { target, file } = request;
  authorize(principal, target, 'write');
  await requireCorpus(store, target);

  // The filename is checked for every file upload: it names the type, and a raw file's document id.
  const filename = request.format ? null : request.documentId !== undefined ? file.filename : normalizeDocumentId(file.filename, 'the filename');
  const format = request.format ?? detectFormat(filename ?? '', file.head);
  const upload = uploadHash(file.sha256, request.docMetadata);
  if (request.documentId !== undefined && format.idFrom !== 'filename') {
    throw new UnsupportedTypeError(`a Document file (${format.name}) names its own id; send it to /v1/upload`, SUPPORTED_TYPES, format.name);
  }
  const idFromName = request.documentId ?? (format.idFrom === 'filename' ? filename : null);

  // Replays are answered here, before any parsing. A raw file: its name is the id, and the same
  // upload hash stored under it is the same content. A Document: the id is inside it, so a
  // document stored from this very upload (bytes + doc_metadata) is looked up instead.
  const seen =
    idFromName !== null
      ? await store.findDocument({ ...target, documentId: idFromName })
      : await store.findDocumentByUploadHash(target, upload);
  if (seen && (idFromName === null || seen.contentHash === upload)) return replayed(deps, seen, request.returnDocument);
  // A different hash under the same id falls through: putIfAbsent throws the 409 atomically.

  const built = await deps.extractor.extract(
    { format, source: file.content, sha256: file.sha256, filenameId: idFromName, docMetadata: request.docMetadata },
    request.signal,
  );
  const content = built.canonicalSha256 === undefined ? upload : documentContentHash(built.canonicalSha256, request.docMetadata);
  const outcome = await store.putIfAbsent(newDocument(target, file, built, { content, upload }, principal), deps.quota.admit);
  if (outcome.status === 'replayed') return replayed(deps, outcome.stored, request.returnDocument);
  return {
    status: 'created',
    documentId: built.documentId,
    charge: built.charge,
    warnings: built.warnings,
    ...(request.returnDocument ? { document: decodeStoredDocument(await unpackDocument(built.document)) } : {}),
  };
}

/** What the store keeps of a parsed upload: the Document, its charge, and where it came from. */
function newDocument(target: CorpusRef, file: UploadedFile, built: BuiltDocument, hashes: { content: string; upload: string }, principal: Principal): NewDocument {
  return {
    key: { ...target, documentId: built.documentId },
    contentHash: hashes.content,
    uploadHash: hashes.upload,
    document: built.document,
    title: built.title,
    metadataJson: built.metadataJson,
    charge: built.charge,
    provenance: {
      sourceSha256: file.sha256,
      sourceSize: file.size,
      sourceFormat: built.detectedType,
      uploader: principal.subject,
      extractor: built.extractor,
      extractionMs: built.extractionMs,
    },
  };
}

async function replayed(deps: IngestDeps, stored: StoredDocumentSummary, returnDocument: boolean): Promise<UploadResult> {
  const result: UploadResult = { status: 'replayed', documentId: stored.key.documentId, charge: stored.charge, warnings: [] };
  if (!returnDocument) return result;
  const bytes = await deps.store.getDocument(stored.key);
  return bytes ? { ...result, document: decodeStoredDocument(bytes) } : result;
}
