import type { Request, RequestHandler, Response } from 'express';
import { canonicalId, MAX_CORPUS_ID, MAX_CUSTOMER_ID } from '../auth/index.js';
import { InvalidRequestError, PermissionDeniedError } from '../errors/index.js';
import { annotateRequest } from '../observability/index.js';
import { required, requestState } from './locals.js';

/** The `customer-id` header, checked; undefined when absent. */
export function customerIdHeader(req: Request): string | undefined {
  const raw = req.headers['customer-id'];
  if (raw === undefined) return undefined;
  const id = typeof raw === 'string' ? canonicalId(raw, MAX_CUSTOMER_ID) : null;
  if (id === null) throw new InvalidRequestError('INVALID_PARAMETER', `the customer-id header must be a customer id in 1 … ${MAX_CUSTOMER_ID}`);
  return id;
}

/**
 * The customer a request acts for. Vectara's v1 JSON endpoints require the `customer-id` header
 * (`required`); elsewhere it defaults to the credential's customer.
 */
export function resolveCustomer(mode: 'header-required' | 'header-optional'): RequestHandler {
  return (req, res, next) => {
    const header = customerIdHeader(req);
    if (header === undefined && mode === 'header-required') {
      throw new InvalidRequestError('INVALID_PARAMETER', 'missing customer-id header (the customer id, decimal)');
    }
    const customerId = header ?? required(res, 'principal').customerId;
    if (customerId === null) throw new PermissionDeniedError('the credential names no customer; send a customer-id header');
    requestState(res).customerId = customerId;
    annotateRequest(req, { customerId });
    next();
  };
}

/** A corpus id from a path segment or a body field: decimal, 1 … 2^32−1. */
export function parseCorpusId(raw: unknown, name: string): string {
  const id = canonicalId(raw, MAX_CORPUS_ID);
  if (id === null) throw new InvalidRequestError('INVALID_PARAMETER', `${name} must be a corpus id in 1 … ${MAX_CORPUS_ID}, got ${JSON.stringify(raw) ?? 'nothing'}`);
  return id;
}

/** The corpus named by the path (`:corpus`) for the request's customer (the use case authorizes). */
export function corpusFromPath(req: Request, res: Response): { customerId: string; corpusId: string } {
  const corpus = { customerId: required(res, 'customerId'), corpusId: parseCorpusId(req.params['corpus'], 'the corpus in the path') };
  annotateRequest(req, { corpusId: corpus.corpusId });
  return corpus;
}
