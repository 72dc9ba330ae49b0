import type { Extractor } from '../extract/index.js';
import type { QuotaPolicy } from '../quota/index.js';
import type { Store } from '../store/index.js';

/**
 * What the use cases work with. Each use case is `(deps, principal, input) → result`: it checks
 * that the principal may (src/auth/authorize.ts), applies the quota policy, and talks to the
 * store; HTTP routes and CLI commands only translate in and out.
 */
export interface UseCaseDeps {
  readonly store: Store;
  readonly quota: QuotaPolicy;
}

/** The flows that parse files need the extraction pool as well. */
export interface IngestDeps extends UseCaseDeps {
  readonly extractor: Extractor;
}
