import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { extractionTarget, type Principal } from '../../auth/index.js';
import type { CorpusRef, FileVault, NewJob } from '../../store/index.js';
import { requireCorpus } from '../corpora/require-corpus.js';
import type { UseCaseDeps } from '../deps.js';

/** One file of a batch, written out to a spool file and hashed as it arrived. */
export interface BatchFile {
  readonly filename: string;
  readonly size: number;
  readonly sha256: string;
  readonly spooledTo: string;
}

/** What the batch upload needs besides the store: where files are kept, and the job runner's bell. */
export interface BatchDeps extends UseCaseDeps {
  readonly files: FileVault;
  /** Tells the job runner that jobs are waiting (it also polls). */
  readonly wakeJobs?: () => void;
}

export interface BatchUploadInput {
  readonly files: readonly BatchFile[];
}

export interface AcceptedFile {
  readonly id: string;
  readonly filename: string;
  readonly size: number;
  readonly sha256: string;
  readonly status: 'queued';
  /** An earlier upload of the same bytes into the corpus (a job or a stored document), or null. */
  readonly duplicateOf: string | null;
}

/**
 * The Documind-style batch upload: every file gets a new UUID, is kept under its SHA-256 and
 * gets a queued job, all committed before the answer; extraction runs later (src/jobs/). The
 * quota is checked here (the batch must fit the document limits, the character limits must not
 * be reached yet) and charged when each Document is stored.
 */
export async function batchUpload(deps: BatchDeps, principal: Principal, input: BatchUploadInput): Promise<AcceptedFile[]> {
  try {
    const target = extractionTarget(principal);
    await requireCorpus(deps.store, target);
    await checkQuota(deps, target, input.files.length);
    const accepted = await describe(deps, target, input.files);
    for (const file of input.files) await deps.files.keep(file.spooledTo, file.sha256);
    const jobs: NewJob[] = accepted.map((file) => ({
      ...target, jobId: file.id, filename: file.filename, sha256: file.sha256, size: file.size, uploader: principal.subject,
    }));
    await deps.store.createJobs(jobs);
    deps.wakeJobs?.();
    return accepted;
  } finally {
    // Whatever was not moved into the vault (a refusal) is dropped.
    for (const file of input.files) fs.rm(file.spooledTo, { force: true }, () => {});
  }
}

/** New ids, and for each file the earliest upload of its bytes (this batch's own included). */
async function describe(deps: BatchDeps, target: CorpusRef, files: readonly BatchFile[]): Promise<AcceptedFile[]> {
  const firstInBatch = new Map<string, string>();
  const accepted: AcceptedFile[] = [];
  for (const file of files) {
    const id = randomUUID();
    const duplicateOf = firstInBatch.get(file.sha256) ?? (await deps.store.findEarlierUpload(target, file.sha256));
    if (!firstInBatch.has(file.sha256)) firstInBatch.set(file.sha256, id);
    accepted.push({ id, filename: file.filename, size: file.size, sha256: file.sha256, status: 'queued', duplicateOf });
  }
  return accepted;
}

/** The customer's then the corpus's limits: room for `count` more documents, characters not exhausted. */
async function checkQuota(deps: UseCaseDeps, target: CorpusRef, count: number): Promise<void> {
  for (const ref of [{ customerId: target.customerId }, target]) {
    const usage = await deps.store.getUsage(ref);
    if (!usage) continue; // requireCorpus checked both exist
    // admit() asks for one more document with this charge: count − 1 are added to the usage.
    deps.quota.admit({ ...usage, usedDocs: usage.usedDocs + count - 1 }, { numChars: 0, numMetadataChars: 0 });
  }
}
