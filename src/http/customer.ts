import type { Request, RequestHandler, Response } from 'express';
import { parseCorpusId, parseCustomerId } from '../ids/index.js';
import { InvalidRequestError, PermissionDeniedError } from '../errors/index.js';
import { annotateRequest } from '../observability/index.js';
import { required, requestState } from './locals.js';

/** The `customer-id` header, checked; undefined when absent. */
export function customerIdHeader(req: Request): string | undefined {
  const raw = req.headers['customer-id'];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw new InvalidRequestError('INVALID_PARAMETER', 'the customer-id header must be given once');
  return parseCustomerId(raw, 'the customer-id header');
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

/** The corpus named by the path (`:corpus`) for the request's customer (the use case authorizes). */
export function corpusFromPath(req: Request, res: Response): { customerId: string; corpusId: string } {
  const corpus = { customerId: required(res, 'customerId'), corpusId: parseCorpusId(req.params['corpus'], 'the corpus in the path') };
  annotateRequest(req, { corpusId: corpus.corpusId });
  return corpus;
}
