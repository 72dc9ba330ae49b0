import { authorize, type Principal } from '../../auth/index.js';
import { InvalidRequestError } from '../../errors/index.js';
import type { LimitsInForce, QuotaPolicy } from '../../quota/index.js';
import type { QuotaLimitsUpdate, QuotaScopeRef, UsageReport } from '../../store/index.js';
import type { UseCaseDeps } from '../deps.js';
import { requireCorpus } from './require-corpus.js';

/** A scope's usage, its own stored limits, and the limits in force (its own, else the defaults). */
export interface UsageView {
  readonly usage: UsageReport;
  readonly inForce: LimitsInForce;
}

export function describeUsage(policy: QuotaPolicy, usage: UsageReport): UsageView {
  return { usage, inForce: policy.limitsOf(usage) };
}

/** A customer without corpora: nothing used, the configured defaults in force. */
const unusedCustomer: UsageReport = {
  scope: 'customer', maxChars: null, maxDocs: null, usedChars: 0, usedDocs: 0, reservedDocs: 0, usedTextChars: 0, usedMetadataChars: 0,
};

/** Usage and limits of a customer (no corpusId) or of one of its corpora. */
export async function showQuota(deps: UseCaseDeps, principal: Principal, ref: QuotaScopeRef): Promise<UsageView> {
  authorize(principal, ref, 'admin');
  const usage = await deps.store.getUsage(ref);
  // A customer exists once it has a corpus; one without any has used nothing.
  if (!usage && ref.corpusId !== undefined) await requireCorpus(deps.store, { customerId: ref.customerId, corpusId: ref.corpusId });
  return describeUsage(deps.quota, usage ?? unusedCustomer);
}

/** Sets the scope's own limits (null: back to the default; UNLIMITED); answers as showQuota. */
export async function setQuota(deps: UseCaseDeps, principal: Principal, ref: QuotaScopeRef, update: QuotaLimitsUpdate): Promise<UsageView> {
  authorize(principal, ref, 'admin');
  if (update.maxChars === undefined && update.maxDocs === undefined) throw new InvalidRequestError('INVALID_PARAMETER', 'give max_chars and/or max_docs');
  if (ref.corpusId !== undefined) await requireCorpus(deps.store, { customerId: ref.customerId, corpusId: ref.corpusId });
  if (!(await deps.store.setQuota(ref, update))) {
    throw new InvalidRequestError('INVALID_PARAMETER', `customer ${ref.customerId} does not exist (it has no corpus yet); create a corpus first`);
  }
  return showQuota(deps, principal, ref);
}
