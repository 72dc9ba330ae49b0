import fs from 'node:fs/promises';
import { WRITE_SCOPE, type Principal } from '../../auth/index.js';
import type { FileVault, JobRecord } from '../../store/index.js';
import type { IngestDeps } from '../deps.js';
import { uploadDocument } from './upload.js';

/** What a batch job's processing needs: the upload's dependencies and where the files are. */
export interface JobDeps extends IngestDeps {
  readonly files: FileVault;
}

/** Type detection reads the first bytes only; the worker reads the file itself. */
const HEAD_BYTES = 64 * 1024;

/**
 * Extracts one batch job's file and stores its Document under the job's id, through the upload
 * use case: the same detection, extraction pool, quota check and charge (putIfAbsent) as
 * /v1/upload. A job stored before a crash is a replay (same id, same bytes): nothing is charged
 * twice. Throws the upload's errors (their internalCode is the job's error code).
 */
export async function processJob(deps: JobDeps, job: JobRecord, signal?: AbortSignal): Promise<{ pages: number | null }> {
  const target = { customerId: job.customerId, corpusId: job.corpusId };
  const file = deps.files.pathOf(job.sha256);
  await uploadDocument(deps, jobPrincipal(job), {
    target,
    file: { filename: job.filename, size: job.size, head: await readHead(file), content: { spooledTo: file }, sha256: job.sha256 },
    documentId: job.jobId,
    docMetadata: undefined,
    returnDocument: false,
    ...(signal ? { signal } : {}),
  });
  const record = await deps.store.getDocumentRecord({ ...target, documentId: job.jobId });
  return { pages: pagesOf(record?.metadataJson ?? '') };
}

/** The uploader, as authorized when the batch was accepted: a writer of this one corpus. */
function jobPrincipal(job: JobRecord): Principal {
  return { subject: job.uploader, customerId: job.customerId, scopes: new Set([WRITE_SCOPE]), corpusIds: new Set([job.corpusId]) };
}

async function readHead(file: string): Promise<Uint8Array> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** `pages` of the Document's metadata (PDFs have it), else null. */
function pagesOf(metadataJson: string): number | null {
  try {
    const pages = (JSON.parse(metadataJson) as { pages?: unknown }).pages;
    return typeof pages === 'number' && Number.isInteger(pages) ? pages : null;
  } catch {
    return null;
  }
}
