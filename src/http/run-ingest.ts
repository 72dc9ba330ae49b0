import type { Request, Response } from 'express';
import { annotateRequest } from '../observability/index.js';
import type { UploadResult } from '../usecases/index.js';

/**
 * Runs a parsing use case (upload, index) for an HTTP request: a client that goes away before its
 * answer cancels its parse, and the outcome goes into the request's log line.
 */
export async function runIngest(req: Request, res: Response, run: (signal: AbortSignal) => Promise<UploadResult>): Promise<UploadResult> {
  const cancel = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) cancel.abort();
  });
  const result = await run(cancel.signal);
  annotateRequest(req, { documentId: result.documentId, outcome: result.status === 'replayed' ? 'ALREADY_EXISTS' : 'OK' });
  return result;
}
