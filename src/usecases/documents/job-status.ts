import { extractionTarget, type Principal } from '../../auth/index.js';
import { DocumentNotFoundError } from '../../errors/index.js';
import type { JobRecord } from '../../store/index.js';
import type { UseCaseDeps } from '../deps.js';

export interface JobStatusResult {
  readonly job: JobRecord;
  /** include=document and the job is done: the stored Document, binary protobuf. */
  readonly document?: Uint8Array;
}

/** A batch upload's job, in the credential's corpus; DocumentNotFoundError when there is none. */
export async function getJobStatus(
  deps: UseCaseDeps,
  principal: Principal,
  input: { readonly id: string; readonly includeDocument: boolean },
): Promise<JobStatusResult> {
  const target = extractionTarget(principal);
  const job = await deps.store.getJob(target, input.id);
  if (!job) throw new DocumentNotFoundError(input.id, target.corpusId);
  if (!input.includeDocument || job.status !== 'done') return { job };
  const document = await deps.store.getDocument({ ...target, documentId: job.jobId });
  return document ? { job, document } : { job };
}
