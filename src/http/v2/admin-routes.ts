import { Router, type Request, type RequestHandler, type Response } from 'express';
import { authorize, type Authenticator } from '../../auth/index.js';
import { requireCorpus } from '../../catalog/index.js';
import type { QuotaDefaults } from '../../config/index.js';
import { CorpusExistsError, InvalidRequestError } from '../../errors/index.js';
import { UNLIMITED, type StoredLimit } from '../../quota/index.js';
import type { DocumentStore, QuotaLimitsUpdate, UsageReport } from '../../store/index.js';
import { authenticate } from '../authenticate.js';
import { corpusBody, usageBody } from '../catalog-views.js';
import { corpusFromPath, parseCorpusId, resolveCustomer } from '../customer.js';
import { field, jsonObjectBody, optionalString, type JsonFields } from '../json-body.js';
import { required } from '../locals.js';

export interface AdminRouteDeps {
  readonly store: DocumentStore;
  readonly authenticator: Authenticator;
  readonly quotaDefaults: QuotaDefaults;
}

const BODY_BYTES = 64 * 1024;

/** Corpora, quotas and usage of the caller's customer; the admin role (scope corpus:admin) only. */
export function adminRouter(deps: AdminRouteDeps): Router {
  const router = Router();
  const { store, quotaDefaults } = deps;
  const guards: RequestHandler[] = [authenticate(deps.authenticator), resolveCustomer('header-optional')];
  const customerScope = (res: Response) => {
    const ref = { customerId: required(res, 'customerId') };
    authorize(required(res, 'principal'), ref, 'admin');
    return ref;
  };
  const corpusScope = (req: Request, res: Response) => corpusFromPath(req, res, 'admin');

  router.get('/v2/corpora', guards, async (_req: Request, res: Response) => {
    const ref = customerScope(res);
    const corpora = await store.listCorpora(ref.customerId);
    const bodies = [];
    for (const corpus of corpora) bodies.push(corpusBody(corpus, await store.getUsage(corpus), quotaDefaults));
    res.json({ corpora: bodies });
  });

  router.post('/v2/corpora', [...guards, ...jsonObjectBody(BODY_BYTES)], async (req: Request, res: Response) => {
    const body = req.body as JsonFields;
    const ref = { customerId: required(res, 'customerId'), corpusId: parseCorpusId(field(body, 'id'), 'id') };
    authorize(required(res, 'principal'), ref, 'admin');
    const name = optionalString(body, 'name')?.trim() ?? '';
    if (name === '' || name.length > 200) throw new InvalidRequestError('INVALID_PARAMETER', 'name must be 1 … 200 characters');
    const { created } = await store.createCorpus({ ...ref, name });
    if (!created) throw new CorpusExistsError(ref.customerId, ref.corpusId);
    res.status(201).json(corpusBody(await requireCorpus(store, ref), await store.getUsage(ref), quotaDefaults));
  });

  router.get('/v2/corpora/:corpus', guards, async (req: Request, res: Response) => {
    const ref = corpusScope(req, res);
    res.json(corpusBody(await requireCorpus(store, ref), await store.getUsage(ref), quotaDefaults));
  });

  const showUsage = async (res: Response, ref: { customerId: string; corpusId?: string }) => {
    const usage = await store.getUsage(ref);
    // A customer exists once it has a corpus; one without any has used nothing.
    if (!usage && ref.corpusId !== undefined) await requireCorpus(store, { customerId: ref.customerId, corpusId: ref.corpusId });
    res.json(usageBody(usage ?? unusedCustomer, quotaDefaults));
  };
  const setLimits = async (req: Request, res: Response, ref: { customerId: string; corpusId?: string }) => {
    const update = limitsUpdate(req.body as JsonFields);
    if (ref.corpusId !== undefined) await requireCorpus(store, { customerId: ref.customerId, corpusId: ref.corpusId });
    if (!(await store.setQuota(ref, update))) {
      throw new InvalidRequestError('INVALID_PARAMETER', `customer ${ref.customerId} has no corpus yet; create one first`);
    }
    await showUsage(res, ref);
  };

  router.get('/v2/quota', guards, (_req: Request, res: Response) => showUsage(res, customerScope(res)));
  router.put('/v2/quota', [...guards, ...jsonObjectBody(BODY_BYTES)], (req: Request, res: Response) => setLimits(req, res, customerScope(res)));
  router.get('/v2/corpora/:corpus/quota', guards, (req: Request, res: Response) => showUsage(res, corpusScope(req, res)));
  router.put('/v2/corpora/:corpus/quota', [...guards, ...jsonObjectBody(BODY_BYTES)], (req: Request, res: Response) => setLimits(req, res, corpusScope(req, res)));

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
  if (maxChars === undefined && maxDocs === undefined) throw new InvalidRequestError('INVALID_PARAMETER', 'give max_chars and/or max_docs');
  return { ...(maxChars !== undefined ? { maxChars } : {}), ...(maxDocs !== undefined ? { maxDocs } : {}) };
}

/** A customer without corpora: nothing used, the configured defaults in force. */
const unusedCustomer: UsageReport = {
  scope: 'customer', maxChars: null, maxDocs: null, usedChars: 0, usedDocs: 0, usedTextChars: 0, usedMetadataChars: 0,
};
