import type { RequestHandler } from 'express';
import { authorizeWrite } from '../../auth/index.js';
import { parseCorpusId, parseCustomerId } from '../../ids/index.js';
import { InvalidRequestError, PayloadTooLargeError } from '../../errors/index.js';
import { declaredLength } from '../content-length.js';
import { customerIdHeader } from '../customer.js';
import { discardContent } from '../file-part.js';
import { readMultipart } from '../multipart.js';
import { queryValue } from '../query.js';
import { required, requestState as uploadState } from '../locals.js';

/** Room for the multipart envelope and form fields around a file of the maximum size. */
export const ENVELOPE_ALLOWANCE_BYTES = 256 * 1024;

/** 413 from the Content-Length header alone, before a byte of the body is read. */
export function rejectDeclaredOversize(maxUploadBytes: number): RequestHandler {
  return (req, _res, next) => {
    const declared = declaredLength(req) ?? 0;
    if (declared > maxUploadBytes + ENVELOPE_ALLOWANCE_BYTES) {
      throw new PayloadTooLargeError(
        `the request body (${declared} bytes) exceeds the upload limit of ${maxUploadBytes} bytes (MAX_UPLOAD_BYTES)`,
      );
    }
    next();
  };
}

/** c, o and d from the query string (each may instead come as a form field). */
export const parseUploadQuery: RequestHandler = (req, res, next) => {
  uploadState(res).query = {
    customerId: parseId(queryValue(req, 'c'), 'c'),
    corpusId: parseId(queryValue(req, 'o'), 'o'),
    returnDocument: parseFlag(queryValue(req, 'd'), 'd'),
  };
  next();
};

/** With c and o in the query, refuse a forbidden upload before reading its body. */
export const authorizeQueryTarget: RequestHandler = (_req, res, next) => {
  const query = required(res, 'query');
  if (query.customerId !== undefined && query.corpusId !== undefined) {
    authorizeWrite(required(res, 'principal'), { customerId: query.customerId, corpusId: query.corpusId });
  }
  next();
};

/** The form, read to its end; a spooled file is removed once the response is over, however it ends. */
export function readUploadForm(maxUploadBytes: number, spoolDir: string): RequestHandler {
  return async (req, res, next) => {
    const form = await readMultipart(req, maxUploadBytes, spoolDir);
    res.once('close', () => discardContent(form.file.content));
    uploadState(res).form = form;
    next();
  };
}

/**
 * The target corpus: query values first, form fields where the query has none; both must agree,
 * and with the optional `customer-id` header.
 */
export const resolveTarget: RequestHandler = (req, res, next) => {
  const query = required(res, 'query');
  const { fields } = required(res, 'form');
  const customerId = pick(query.customerId, fields.get('c'), 'c');
  const header = customerIdHeader(req);
  if (header !== undefined && header !== customerId) {
    throw new InvalidRequestError('INVALID_PARAMETER', `the customer-id header (${header}) and c (${customerId}) disagree`);
  }
  const corpusId = pick(query.corpusId, fields.get('o'), 'o');
  const target = { customerId, corpusId };
  authorizeWrite(required(res, 'principal'), target);
  uploadState(res).target = target;
  next();
};

/** d: the query's value, else the form's; both must agree. */
export const resolveReturnDocument: RequestHandler = (_req, res, next) => {
  const fromQuery = required(res, 'query').returnDocument;
  const fromField = parseFlag(required(res, 'form').fields.get('d'), 'd');
  if (fromQuery !== undefined && fromField !== undefined && fromQuery !== fromField) {
    throw new InvalidRequestError('INVALID_PARAMETER', `d is ${fromQuery} in the query but ${fromField} in the form`);
  }
  uploadState(res).returnDocument = fromQuery ?? fromField ?? false;
  next();
};

function parseFlag(raw: string | undefined, name: string): boolean | undefined {
  if (raw === undefined) return undefined;
  const value = raw.toLowerCase();
  if (value !== 'true' && value !== 'false' && value !== '1' && value !== '0') {
    throw new InvalidRequestError('INVALID_PARAMETER', `${name} must be true, false, 1 or 0, got "${raw}"`);
  }
  return value === 'true' || value === '1';
}

const ID_PARSERS = { c: parseCustomerId, o: parseCorpusId } as const;
const ID_NAMES = { c: 'customer id', o: 'corpus id' } as const;

function parseId(raw: string | undefined, name: 'c' | 'o'): string | undefined {
  return raw === undefined ? undefined : ID_PARSERS[name](raw, name);
}

function pick(fromQuery: string | undefined, fromField: string | undefined, name: 'c' | 'o'): string {
  const field = parseId(fromField, name);
  if (fromQuery !== undefined && field !== undefined && fromQuery !== field) {
    throw new InvalidRequestError('INVALID_PARAMETER', `${name} is ${fromQuery} in the query but ${field} in the form`);
  }
  const value = fromQuery ?? field;
  if (value === undefined) {
    throw new InvalidRequestError('INVALID_PARAMETER', `missing ${name} (${ID_NAMES[name]}): pass ?${name}=… or a form field "${name}"`);
  }
  return value;
}
