import { AuthenticationError } from '../errors/index.js';
import type { ApiKeyStore } from '../store/index.js';
import { parseApiKey, SCOPES_OF_ROLE, secretMatches } from './api-keys.js';
import type { Principal } from './principal.js';

/** Verifies `x-api-key` against the stored keys: unknown, wrong, revoked or expired → 401. */
export function createApiKeyVerifier(store: ApiKeyStore): (key: string) => Promise<Principal> {
  return async (key) => {
    const parsed = parseApiKey(key);
    if (!parsed) throw new AuthenticationError('invalid API key: not a corpusgate key (cgk_…)');
    const record = await store.getApiKey(parsed.keyId);
    // The same answer for an unknown id and a wrong secret: no key-id oracle.
    if (!record || !secretMatches(parsed.secret, record.secretSha256)) throw new AuthenticationError('invalid API key');
    if (record.revokedAt !== null) throw new AuthenticationError(`API key ${record.keyId} was revoked`);
    if (record.expiresAt !== null && Date.parse(record.expiresAt) <= Date.now()) {
      throw new AuthenticationError(`API key ${record.keyId} expired at ${record.expiresAt}`);
    }
    return {
      subject: `apikey:${record.keyId}`,
      customerId: record.customerId,
      scopes: new Set(SCOPES_OF_ROLE[record.role]),
      corpusIds: record.corpusIds === null ? null : new Set(record.corpusIds),
    };
  };
}
