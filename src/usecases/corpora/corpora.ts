import { authorize, type Principal } from '../../auth/index.js';
import { CorpusExistsError, InvalidRequestError } from '../../errors/index.js';
import type { CorpusRecord, CorpusRef, UsageReport } from '../../store/index.js';
import type { UseCaseDeps } from '../deps.js';
import { describeUsage, type UsageView } from './quota.js';
import { requireCorpus } from './require-corpus.js';

/** A corpus with its usage against the limits in force. */
export interface CorpusView {
  readonly corpus: CorpusRecord;
  readonly usage: UsageView | null;
}

const MAX_NAME_CHARS = 200;

/** Creates a corpus (and its customer when new); CorpusExistsError when the id is taken. */
export async function createCorpus(deps: UseCaseDeps, principal: Principal, input: CorpusRef & { readonly name: string }): Promise<CorpusView> {
  const ref = { customerId: input.customerId, corpusId: input.corpusId };
  authorize(principal, ref, 'admin');
  const name = input.name.trim();
  if (name === '' || name.length > MAX_NAME_CHARS) throw new InvalidRequestError('INVALID_PARAMETER', `name must be 1 … ${MAX_NAME_CHARS} characters`);
  const { created } = await deps.store.createCorpus({ ...ref, name });
  if (!created) throw new CorpusExistsError(ref.customerId, ref.corpusId);
  return getCorpus(deps, principal, ref);
}

/** Like createCorpus, but an existing corpus is no error (the demo seed, scripts): created says which. */
export async function ensureCorpus(deps: UseCaseDeps, principal: Principal, input: CorpusRef & { readonly name: string }): Promise<{ created: boolean }> {
  authorize(principal, input, 'admin');
  return deps.store.createCorpus(input);
}

export async function getCorpus(deps: UseCaseDeps, principal: Principal, ref: CorpusRef): Promise<CorpusView> {
  authorize(principal, ref, 'admin');
  const corpus = await requireCorpus(deps.store, ref);
  return view(deps, corpus, await deps.store.getUsage(ref));
}

/** The customer's corpora in id order, each with its usage. */
export async function listCorpora(deps: UseCaseDeps, principal: Principal, customerId: string): Promise<CorpusView[]> {
  authorize(principal, { customerId }, 'admin');
  const views: CorpusView[] = [];
  for (const corpus of await deps.store.listCorpora(customerId)) views.push(view(deps, corpus, await deps.store.getUsage(corpus)));
  return views;
}

function view(deps: UseCaseDeps, corpus: CorpusRecord, usage: UsageReport | null): CorpusView {
  return { corpus, usage: usage ? describeUsage(deps.quota, usage) : null };
}
