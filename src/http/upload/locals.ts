import type { Response } from 'express';
import type { Principal } from '../../auth/index.js';
import type { CorpusRef } from '../../store/index.js';
import type { MultipartUpload } from '../multipart.js';

/** What the upload guards learn, step by step, kept on res.locals under typed accessors. */
export interface UploadQuery {
  readonly customerId: string | undefined;
  readonly corpusId: string | undefined;
  readonly returnDocument: boolean;
}

interface UploadState {
  principal?: Principal;
  query?: UploadQuery;
  form?: MultipartUpload;
  target?: CorpusRef;
}

export function uploadState(res: Response): UploadState {
  return res.locals as UploadState;
}

/** Reads a value an earlier guard must have set; a missing one is a wiring bug. */
export function required<K extends keyof UploadState>(res: Response, key: K): NonNullable<UploadState[K]> {
  const value = uploadState(res)[key];
  if (value === undefined) throw new Error(`upload guard order: ${key} is not set`);
  return value as NonNullable<UploadState[K]>;
}
