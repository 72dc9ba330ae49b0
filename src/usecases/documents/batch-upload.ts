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
 * quota is checked and the batch's documents reserved in the same store step (createJobs: the
 * batch must fit the document limits beside what is used and reserved, the character limits must
 * not be exhausted); each Document is charged when stored, its reservation turning into the charge.
 */
export async function batchUpload(deps: BatchDeps, principal: Principal, input: BatchUploadInput): Promise<AcceptedFile[]> {
  try {
    const target = extractionTarget(principal);
    await requireCorpus(deps.store, target);
    const accepted = await describe(deps, target, input.files);
    const jobs: NewJob[] = accepted.map((file) => ({
      ...target, jobId: file.id, filename: file.filename, sha256: file.sha256, size: file.size, uploader: principal.subject,
    }));
    // The store moves the spool files into DATA_DIR/files in the transaction that commits the jobs.
    await deps.store.createJobs(jobs, { admit: deps.quota.admitBatch, files: input.files });
    deps.wakeJobs?.();
    return accepted;
  } finally {
    // Whatever was not moved into the kept files (a refusal) is dropped.
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
