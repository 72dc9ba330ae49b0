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

/** The limits in force for a scope; null = unlimited. */
export interface LimitsInForce {
  readonly maxChars: number | null;
  readonly maxDocs: number | null;
}

/**
 * Admits one more document with this charge into the scope, or throws QuotaExceededError. Stores
 * call it inside the transaction that inserts and charges, for the customer then the corpus.
 */
export type QuotaCheck = (usage: ScopeUsage, charge: Charge) => void;

/** The quota policy: which limits apply (a scope's own, else the configured default) and admission. */
export interface QuotaPolicy {
  limitsOf(usage: Pick<ScopeUsage, 'scope' | 'maxChars' | 'maxDocs'>): LimitsInForce;
  readonly admit: QuotaCheck;
}

export function quotaPolicy(defaults: QuotaDefaults): QuotaPolicy {
  const limitsOf: QuotaPolicy['limitsOf'] = (usage) => {
    const isCorpus = usage.scope === 'corpus';
    return {
      maxChars: effectiveLimit(usage.maxChars, isCorpus ? defaults.corpusMaxChars : defaults.customerMaxChars),
      maxDocs: effectiveLimit(usage.maxDocs, isCorpus ? defaults.corpusMaxDocs : defaults.customerMaxDocs),
    };
  };
  return {
    limitsOf,
    admit(usage, charge) {
      const { maxChars, maxDocs } = limitsOf(usage);
      const needed = chargedChars(charge);
      if (maxChars !== null && usage.usedChars + needed > maxChars) {
        throw new QuotaExceededError({ scope: usage.scope, unit: 'chars', limit: maxChars, used: usage.usedChars, needed });
      }
      if (maxDocs !== null && usage.usedDocs + 1 > maxDocs) {
        throw new QuotaExceededError({ scope: usage.scope, unit: 'documents', limit: maxDocs, used: usage.usedDocs, needed: 1 });
      }
    },
  };
}

function effectiveLimit(stored: StoredLimit, fallback: number | null): number | null {
  if (stored === UNLIMITED) return null;
  return stored ?? fallback;
}
