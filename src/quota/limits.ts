import { QuotaExceededError, type QuotaScope } from '../errors/index.js';
import type { QuotaDefaults } from '../config/index.js';
import { chargedChars, type Charge } from './charge.js';

/**
 * A stored limit: a number, UNLIMITED, or null meaning "the configured default applies".
 * Stores persist it as-is (-1 for unlimited, NULL for default).
 */
export type StoredLimit = number | null;
export const UNLIMITED = -1;

export interface ScopeUsage {
  readonly scope: QuotaScope;
  readonly maxChars: StoredLimit;
  readonly maxDocs: StoredLimit;
  readonly usedChars: number;
  readonly usedDocs: number;
}

export function effectiveLimit(stored: StoredLimit, fallback: number | null): number | null {
  if (stored === UNLIMITED) return null;
  return stored ?? fallback;
}

/**
 * Throws QuotaExceededError when adding one document with this charge would pass a limit of the
 * scope. Stores call it inside the transaction that inserts and charges.
 */
export function assertWithinQuota(usage: ScopeUsage, charge: Charge, defaults: QuotaDefaults): void {
  const isCorpus = usage.scope === 'corpus';
  const maxChars = effectiveLimit(usage.maxChars, isCorpus ? defaults.corpusMaxChars : defaults.customerMaxChars);
  const maxDocs = effectiveLimit(usage.maxDocs, isCorpus ? defaults.corpusMaxDocs : defaults.customerMaxDocs);
  const needed = chargedChars(charge);
  if (maxChars !== null && usage.usedChars + needed > maxChars) {
    throw new QuotaExceededError({ scope: usage.scope, unit: 'chars', limit: maxChars, used: usage.usedChars, needed });
  }
  if (maxDocs !== null && usage.usedDocs + 1 > maxDocs) {
    throw new QuotaExceededError({ scope: usage.scope, unit: 'documents', limit: maxDocs, used: usage.usedDocs, needed: 1 });
  }
}
