import type { Request, RequestHandler, Response } from 'express';
import { keyIdOf, ROLES } from '../../auth/index.js';
import { ApiKeyNotFoundError, InvalidRequestError } from '../../errors/index.js';
import { parseCorpusId } from '../../ids/index.js';
import type { ApiKeyRecord, ApiKeyRole } from '../../store/index.js';
import { createApiKey, listApiKeys, revokeApiKey, type NewApiKeyInput } from '../../usecases/index.js';
import { authenticate } from '../authenticate.js';
import { resolveCustomer } from '../customer.js';
import { field, jsonObjectBody, optionalString, type JsonFields } from '../json-body.js';
import { required } from '../locals.js';
import { CREDENTIAL_ERRORS, customerHeader, jsonBody } from '../openapi/parameters.js';
import type { Route, RouteDeps } from '../route.js';

const BODY_BYTES = 16 * 1024;
const MAX_NAME_CHARS = 200;

/** API keys of the caller's customer; the admin role (scope corpus:admin) for the whole customer. */
const guards = (deps: RouteDeps, withBody = false): RequestHandler[] => [
  authenticate(deps.authenticator),
  resolveCustomer('header-optional'),
  ...(withBody ? jsonObjectBody(BODY_BYTES) : []),
];

/** A key as listed: everything but its secret (only a hash of it is stored anyway, and not shown). */
export function apiKeyBody(key: ApiKeyRecord, now = Date.now()): Record<string, unknown> {
  return {
    id: key.keyId,
    customer_id: key.customerId,
    role: key.role,
    corpus_ids: key.corpusIds === null ? null : [...key.corpusIds],
    name: key.name,
    created_at: key.createdAt,
    expires_at: key.expiresAt,
    revoked_at: key.revokedAt,
    state: key.revokedAt !== null ? 'revoked' : key.expiresAt !== null && Date.parse(key.expiresAt) <= now ? 'expired' : 'active',
  };
}

const listRoute: Route['handlers'] = (deps) => [
  ...guards(deps),
  async (_req: Request, res: Response) => {
    const keys = await listApiKeys(deps, required(res, 'principal'), required(res, 'customerId'));
    res.json({ api_keys: keys.map((key) => apiKeyBody(key)) });
  },
];

const createRoute: Route['handlers'] = (deps) => [
  ...guards(deps, true),
  async (req: Request, res: Response) => {
    const input = newKeyInput(req.body as JsonFields, required(res, 'customerId'));
    const { key, record } = await createApiKey(deps, required(res, 'principal'), input);
    res.status(201).json({ key, api_key: apiKeyBody(record) });
  },
];

const revokeRoute: Route['handlers'] = (deps) => [
  ...guards(deps),
  async (req: Request, res: Response) => {
    const raw = req.params['id'];
    const given = typeof raw === 'string' ? raw : '';
    const keyId = keyIdOf(given);
    // Not a key id at all: nothing by that name, as for an id of another customer.
    if (keyId === null) throw new ApiKeyNotFoundError(given.slice(0, 80));
    // The use case answers 404 for a key of another customer than the credential's.
    res.json(apiKeyBody(await revokeApiKey(deps, required(res, 'principal'), keyId)));
  },
];

/** The body of POST /v2/api-keys: {role, corpus_ids?, name?, expires_at?}; bad input → 400. */
function newKeyInput(body: JsonFields, customerId: string): NewApiKeyInput {
  const role = field(body, 'role');
  if (typeof role !== 'string' || !ROLES.includes(role as ApiKeyRole)) {
    throw new InvalidRequestError('INVALID_PARAMETER', `role must be one of ${ROLES.join(', ')}`);
  }
  const name = optionalString(body, 'name') ?? '';
  if (name.length > MAX_NAME_CHARS) throw new InvalidRequestError('INVALID_PARAMETER', `name must be at most ${MAX_NAME_CHARS} characters`);
  return { customerId, role: role as ApiKeyRole, corpusIds: corpusIds(field(body, 'corpus_ids')), name, expiresAt: expiresAt(body) };
}

function corpusIds(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InvalidRequestError('INVALID_PARAMETER', 'corpus_ids must be an array of corpus ids');
  return [...new Set(value.map((id, i) => parseCorpusId(id, `corpus_ids[${i}]`)))];
}

/** ISO 8601 date or date-time (the use case checks it is in the future); null or absent = never. */
function expiresAt(body: JsonFields): string | null {
  const value = optionalString(body, 'expires_at');
  if (value === undefined) return null;
  const at = /^\d{4}-\d\d-\d\d([T ][\d:.]+(Z|[+-]\d\d:?\d\d)?)?$/.test(value.trim()) ? Date.parse(value) : NaN;
  if (!Number.isFinite(at)) throw new InvalidRequestError('INVALID_PARAMETER', `expires_at must be an ISO 8601 date or date-time, got "${value.slice(0, 40)}"`);
  return new Date(at).toISOString();
}

const keyIdParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'the key id as listed (16 hex digits), or the key itself or its start (cgk_<id>…)',
};

export const API_KEY_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/v2/api-keys',
    operation: { operationId: 'listApiKeys', summary: "The customer's API keys, newest first, without their secrets (admin)", parameters: [customerHeader(false)], ok: { 200: 'ApiKeyList' }, errors: CREDENTIAL_ERRORS },
    handlers: listRoute,
  },
  {
    method: 'POST',
    path: '/v2/api-keys',
    operation: {
      operationId: 'createApiKey',
      summary: 'Create an API key for the customer (admin); the key is in this answer only, never shown again',
      parameters: [customerHeader(false)],
      body: jsonBody(
        {
          role: { enum: [...ROLES] },
          corpus_ids: { type: ['array', 'null'], items: { type: ['string', 'integer'] }, description: 'corpora the key may use; absent, null or [] = every corpus' },
          name: { type: 'string', maxLength: MAX_NAME_CHARS },
          expires_at: { type: ['string', 'null'], description: 'ISO 8601 date or date-time in the future; absent or null = never' },
        },
        ['role'],
      ),
      ok: { 201: 'CreatedApiKey' },
      errors: [...CREDENTIAL_ERRORS, 413],
    },
    handlers: createRoute,
  },
  {
    method: 'DELETE',
    path: '/v2/api-keys/:id',
    operation: {
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key of the customer (admin): from then on it is refused with 401',
      parameters: [keyIdParam, customerHeader(false)],
      ok: { 200: 'ApiKey' },
      errors: [...CREDENTIAL_ERRORS, 404],
    },
    handlers: revokeRoute,
  },
];
