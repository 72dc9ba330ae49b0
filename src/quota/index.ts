export { computeCharge, chargedChars, type Charge } from './charge.js';
export { quotaPolicy, UNLIMITED, type LimitsInForce, type BatchQuotaCheck, type QuotaCheck, type QuotaPolicy, type ScopeUsage, type StoredLimit } from './limits.js';
