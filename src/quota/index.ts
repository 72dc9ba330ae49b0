export { computeCharge, chargedChars, type Charge } from './charge.js';
export { assertWithinQuota, effectiveLimit, UNLIMITED, type ScopeUsage, type StoredLimit } from './limits.js';
