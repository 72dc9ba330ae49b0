import type { Response } from 'express';
import type { Principal } from '../auth/index.js';
import type { RequestContext } from '../observability/index.js';
import type { CorpusRef } from '../store/index.js';
import type { MultipartUpload } from './multipart.js';

/** What the upload guards learn from the query string. */
export interface UploadQuery {
  readonly customerId: string | undefined;
  readonly corpusId: string | undefined;
  /** d, when the query has it. */
  readonly returnDocument: boolean | undefined;
}

/**
 * The request's one context, on res.locals: its observability part (request id, logger, log
 * facts; bound by observeRequests) and what the guards learn, step by step, under typed accessors.
 */
interface RequestState {
  context?: RequestContext;
  principal?: Principal;
  /** The customer a JSON or REST request acts for (customer-id header or the credential's). */
  customerId?: string;
  query?: UploadQuery;
  form?: MultipartUpload;
  target?: CorpusRef;
  /** d, from the query or the form (false when neither has it). */
  returnDocument?: boolean;
}

export function requestState(res: Response): RequestState {
  return res.locals as RequestState;
}

/** Reads a value an earlier guard must have set; a missing one is a wiring bug. */
export function required<K extends keyof RequestState>(res: Response, key: K): NonNullable<RequestState[K]> {
  const value = requestState(res)[key];
  if (value === undefined) throw new Error(`guard order: ${key} is not set`);
  return value as NonNullable<RequestState[K]>;
}
