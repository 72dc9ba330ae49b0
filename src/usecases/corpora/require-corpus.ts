import { CorpusNotFoundError } from '../../errors/index.js';
import type { CorpusRecord, CorpusRef, CorpusStore } from '../../store/index.js';

export async function requireCorpus(store: CorpusStore, ref: CorpusRef): Promise<CorpusRecord> {
  const corpus = await store.getCorpus(ref);
  if (!corpus) throw new CorpusNotFoundError(ref.customerId, ref.corpusId);
  return corpus;
}
