import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Authenticator } from '../../auth/index.js';
import { InvalidRequestError } from '../../errors/index.js';
import { UNLIMITED, type StoredLimit } from '../../quota/index.js';
import type { QuotaLimitsUpdate, QuotaScopeRef } from '../../store/index.js';
import { createCorpus, getCorpus, listCorpora, setQuota, showQuota, type UseCaseDeps } from '../../usecases/index.js';
import { authenticate } from '../authenticate.js';
import { corpusBody, usageBody } from '../catalog-views.js';
import { parseCorpusId } from '../../ids/index.js';
import { corpusFromPath, resolveCustomer } from '../customer.js';
import { field, jsonObjectBody, optionalString, type JsonFields } from '../json-body.js';
import { required } from '../locals.js';

export interface AdminRouteDeps extends UseCaseDeps {
  readonly authenticator: Authenticator;
}

const BODY_BYTES = 64 * 1024;

/** Corpora, quotas and usage of the caller's customer; the admin role (scope corpus:admin) only. */
export function adminRouter(deps: AdminRouteDeps): Router {
  const router = Router();
  const guards: RequestHandler[] = [authenticate(deps.authenticator), resolveCustomer('header-optional')];
  const principal = (res: Response) => required(res, 'principal');
  const customer = (res: Response): QuotaScopeRef => ({ customerId: required(res, 'customerId') });

  router.get('/v2/corpora', guards, async (_req: Request, res: Response) => {
    const corpora = await listCorpora(deps, principal(res), required(res, 'customerId'));
    res.json({ corpora: corpora.map(corpusBody) });
  });

  router.post('/v2/corpora', [...guards, ...jsonObjectBody(BODY_BYTES)], async (req: Request, res: Response) => {
    const body = req.body as JsonFields;
    const ref = { customerId: required(res, 'customerId'), corpusId: parseCorpusId(field(body, 'id'), 'id') };
    res.status(201).json(corpusBody(await createCorpus(deps, principal(res), { ...ref, name: optionalString(body, 'name') ?? '' })));
  });

  router.get('/v2/corpora/:corpus', guards, async (req: Request, res: Response) => {
    res.json(corpusBody(await getCorpus(deps, principal(res), corpusFromPath(req, res))));
  });

  const show = async (res: Response, ref: QuotaScopeRef) => res.json(usageBody(await showQuota(deps, principal(res), ref)));
  const set = async (req: Request, res: Response, ref: QuotaScopeRef) =>
    res.json(usageBody(await setQuota(deps, principal(res), ref, limitsUpdate(req.body as JsonFields))));

  router.get('/v2/quota', guards, (_req: Request, res: Response) => show(res, customer(res)));
  router.put('/v2/quota', [...guards, ...jsonObjectBody(BODY_BYTES)], (req: Request, res: Response) => set(req, res, customer(res)));
  router.get('/v2/corpora/:corpus/quota', guards, (req: Request, res: Response) => show(res, corpusFromPath(req, res)));
  router.put('/v2/corpora/:corpus/quota', [...guards, ...jsonObjectBody(BODY_BYTES)], (req: Request, res: Response) => set(req, res, corpusFromPath(req, res)));

  return router;
}

/** max_chars / max_docs: a number ≥ 0, "unlimited", or null for the configured default; absent = unchanged. */
function limitsUpdate(body: JsonFields): QuotaLimitsUpdate {
  const read = (name: string): StoredLimit | undefined => {
    const value = field(body, name);
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
