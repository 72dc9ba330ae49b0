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
  /**
   * Documents promised to batch jobs not stored yet (queued or processing): they count against
   * the document limit as if stored. Absent: none.
   */
  readonly reservedDocs?: number;
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

/**
 * Admits a batch of `newDocs` documents, charged later (their characters are unknown before
 * extraction): they must fit the document limit beside what is used and reserved, and the
 * character limit must not be exhausted already. Stores call it inside the transaction that
 * creates the batch's jobs (which then reserve the documents), for the customer then the corpus.
 */
export type BatchQuotaCheck = (usage: ScopeUsage, newDocs: number) => void;

/** The quota policy: which limits apply (a scope's own, else the configured default) and admission. */
export interface QuotaPolicy {
  limitsOf(usage: Pick<ScopeUsage, 'scope' | 'maxChars' | 'maxDocs'>): LimitsInForce;
  readonly admit: QuotaCheck;
  readonly admitBatch: BatchQuotaCheck;
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
      checkDocs(usage, maxDocs, 1);
    },
    admitBatch(usage, newDocs) {
      const { maxChars, maxDocs } = limitsOf(usage);
      // Exhausted: not one more character fits (a document with none would fail NO_TEXT anyway).
      if (maxChars !== null && usage.usedChars + 1 > maxChars) {
        throw new QuotaExceededError({ scope: usage.scope, unit: 'chars', limit: maxChars, used: usage.usedChars, needed: 1 });
      }
      checkDocs(usage, maxDocs, newDocs);
    },
  };
}

/** `needed` more documents beside the used and the reserved ones; `used` reports both. */
function checkDocs(usage: ScopeUsage, maxDocs: number | null, needed: number): void {
  const reserved = usage.reservedDocs ?? 0;
  if (maxDocs !== null && usage.usedDocs + reserved + needed > maxDocs) {
    throw new QuotaExceededError({ scope: usage.scope, unit: 'documents', limit: maxDocs, used: usage.usedDocs + reserved, needed, reserved });
  }
}

function effectiveLimit(stored: StoredLimit, fallback: number | null): number | null {
  if (stored === UNLIMITED) return null;
  return stored ?? fallback;
}
