import type { Request, RequestHandler, Response } from 'express';
import { InvalidRequestError } from '../../errors/index.js';
import { UNLIMITED, type StoredLimit } from '../../quota/index.js';
import type { QuotaLimitsUpdate, QuotaScopeRef } from '../../store/index.js';
import { createCorpus, getCorpus, listCorpora, setQuota, showQuota } from '../../usecases/index.js';
import { corpusParam, CREDENTIAL_ERRORS, customerHeader, jsonBody, limit } from '../openapi/parameters.js';
import type { Route, RouteDeps } from '../route.js';
import { authenticate } from '../authenticate.js';
import { corpusBody, usageBody } from '../catalog-views.js';
import { parseCorpusId } from '../../ids/index.js';
import { corpusFromPath, resolveCustomer } from '../customer.js';
import { field, jsonObjectBody, nullableField, optionalString, type JsonFields } from '../json-body.js';
import { required } from '../locals.js';

const BODY_BYTES = 64 * 1024;

/** Corpora, quotas and usage of the caller's customer; the admin role (scope corpus:admin) only. */
const guards = (deps: RouteDeps, withBody = false): RequestHandler[] => [
  authenticate(deps.authenticator),
  resolveCustomer('header-optional'),
  ...(withBody ? jsonObjectBody(BODY_BYTES) : []),
];
const principal = (res: Response) => required(res, 'principal');
const customer = (res: Response): QuotaScopeRef => ({ customerId: required(res, 'customerId') });
type Scope = (req: Request, res: Response) => QuotaScopeRef;

const listCorporaRoute: Route['handlers'] = (deps) => [
  ...guards(deps),
  async (_req: Request, res: Response) => {
    const corpora = await listCorpora(deps, principal(res), required(res, 'customerId'));
    res.json({ corpora: corpora.map(corpusBody) });
  },
];

const createCorpusRoute: Route['handlers'] = (deps) => [
  ...guards(deps, true),
  async (req: Request, res: Response) => {
    const body = req.body as JsonFields;
    const ref = { customerId: required(res, 'customerId'), corpusId: parseCorpusId(field(body, 'id'), 'id') };
    res.status(201).json(corpusBody(await createCorpus(deps, principal(res), { ...ref, name: optionalString(body, 'name') ?? '' })));
  },
];

const getCorpusRoute: Route['handlers'] = (deps) => [
  ...guards(deps),
  async (req: Request, res: Response) => {
    res.json(corpusBody(await getCorpus(deps, principal(res), corpusFromPath(req, res))));
  },
];

const showQuotaRoute = (scope: Scope): Route['handlers'] => (deps) => [
  ...guards(deps),
  async (req: Request, res: Response) => {
    res.json(usageBody(await showQuota(deps, principal(res), scope(req, res))));
  },
];

const setQuotaRoute = (scope: Scope): Route['handlers'] => (deps) => [
  ...guards(deps, true),
  async (req: Request, res: Response) => {
    res.json(usageBody(await setQuota(deps, principal(res), scope(req, res), limitsUpdate(req.body as JsonFields))));
  },
];

const limitsBody = jsonBody({ max_chars: limit, max_docs: limit });
const inPath: Scope = (req, res) => corpusFromPath(req, res);
const ofCustomer: Scope = (_req, res) => customer(res);

export const ADMIN_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/v2/corpora',
    operation: { operationId: 'listCorpora', summary: "List the customer's corpora with usage (admin)", parameters: [customerHeader(false)], ok: { 200: 'CorpusList' }, errors: CREDENTIAL_ERRORS },
    handlers: listCorporaRoute,
  },
  {
    method: 'POST',
    path: '/v2/corpora',
    operation: {
      operationId: 'createCorpus',
      summary: 'Create a corpus (admin)',
      parameters: [customerHeader(false)],
      body: jsonBody({ id: { type: ['integer', 'string'] }, name: { type: 'string' } }, ['id', 'name']),
      ok: { 201: 'Corpus' },
      errors: [...CREDENTIAL_ERRORS, 409, 413],
    },
    handlers: createCorpusRoute,
  },
  {
    method: 'GET',
    path: '/v2/corpora/:corpus',
    operation: { operationId: 'getCorpus', summary: 'A corpus with its usage and limits (admin)', parameters: [corpusParam, customerHeader(false)], ok: { 200: 'Corpus' }, errors: CREDENTIAL_ERRORS },
    handlers: getCorpusRoute,
  },
  {
    method: 'GET',
    path: '/v2/corpora/:corpus/quota',
    operation: { operationId: 'getCorpusQuota', summary: "A corpus's usage and limits (admin)", parameters: [corpusParam, customerHeader(false)], ok: { 200: 'Usage' }, errors: CREDENTIAL_ERRORS },
    handlers: showQuotaRoute(inPath),
  },
  {
    method: 'PUT',
    path: '/v2/corpora/:corpus/quota',
    operation: {
      operationId: 'setCorpusQuota',
      summary: "Set a corpus's limits (admin)",
      parameters: [corpusParam, customerHeader(false)],
      body: limitsBody,
      ok: { 200: 'Usage' },
      errors: [...CREDENTIAL_ERRORS, 413],
    },
    handlers: setQuotaRoute(inPath),
  },
  {
    method: 'GET',
    path: '/v2/quota',
    operation: { operationId: 'getQuota', summary: "The customer's usage and limits (admin)", parameters: [customerHeader(false)], ok: { 200: 'Usage' }, errors: CREDENTIAL_ERRORS },
    handlers: showQuotaRoute(ofCustomer),
  },
  {
    method: 'PUT',
    path: '/v2/quota',
    operation: {
      operationId: 'setQuota',
      summary: "Set the customer's limits (admin); absent = unchanged, null = the configured default",
      parameters: [customerHeader(false)],
      body: limitsBody,
      ok: { 200: 'Usage' },
      errors: [...CREDENTIAL_ERRORS, 413],
    },
    handlers: setQuotaRoute(ofCustomer),
  },
];

/** max_chars / max_docs: a number ≥ 0, "unlimited", or null for the configured default; absent = unchanged. */
function limitsUpdate(body: JsonFields): QuotaLimitsUpdate {
  const read = (name: string): StoredLimit | undefined => {
    // null must stay null ("back to the default"): field() reads it as absent.
    const value = nullableField(body, name);
    if (value === undefined) return undefined;
    if (value === null) return null;
    if (value === 'unlimited') return UNLIMITED;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
    throw new InvalidRequestError('INVALID_PARAMETER', `${name} must be a whole number ≥ 0, "unlimited" or null (the default)`);
  };
  const maxChars = read('max_chars');
  const maxDocs = read('max_docs');
  return { ...(maxChars !== undefined ? { maxChars } : {}), ...(maxDocs !== undefined ? { maxDocs } : {}) };
}
