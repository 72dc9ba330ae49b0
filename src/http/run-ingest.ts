import type { Request, Response } from 'express';
import { ingest, type IngestDeps, type IngestRequest, type IngestResult } from '../ingest/index.js';
import { annotateRequest } from '../observability/index.js';

/**
 * The ingest use case for an HTTP request: a client that goes away before its answer cancels its
 * parse, and the outcome goes into the request's log line.
 */
export async function runIngest(deps: IngestDeps, req: Request, res: Response, request: Omit<IngestRequest, 'signal'>): Promise<IngestResult> {
  const cancel = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) cancel.abort();
  });
  const result = await ingest(deps, { ...request, signal: cancel.signal });
  annotateRequest(req, { documentId: result.documentId, outcome: result.status === 'replayed' ? 'ALREADY_EXISTS' : 'OK' });
  return result;
}
