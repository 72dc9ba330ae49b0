import crypto from 'node:crypto';
import type { ApiKeyRecord, ApiKeyRole } from '../store/index.js';
import { ADMIN_SCOPE, EXTRACTIONS_SCOPE, READ_SCOPE, WRITE_SCOPE } from './authorize.js';

/**
 * API keys look like `cgk_<16 hex: key id>_<43 base64url: 256-bit secret>`. Only the SHA-256 of the
 * secret is stored: with 256 random bits a fast hash is enough (no password stretching needed),
 * and the key id finds the row without scanning.
 */
const KEY_PATTERN = /^cgk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/**
 * The key id in what an operator may paste to name a key: the id as listed (16 hex digits), the
 * key's start (`cgk_<id>`, `cgk_<id>_…`) or the whole key; null for anything else.
 */
export function keyIdOf(given: string): string | null {
  return /^(?:cgk_)?([0-9a-f]{16})(?:_[A-Za-z0-9_-]*)?$/.exec(given.trim())?.[1] ?? null;
}

export const ROLES: readonly ApiKeyRole[] = ['index', 'query', 'admin', 'extractions'];

/**
 * What each role may do: index writes and reads, query only reads, admin also manages;
 * extractions only uses the Documind-style batch upload (/api/v1/…), in its one corpus.
 */
export const SCOPES_OF_ROLE: Readonly<Record<ApiKeyRole, readonly string[]>> = {
  index: [WRITE_SCOPE, READ_SCOPE],
  query: [READ_SCOPE],
  admin: [ADMIN_SCOPE, WRITE_SCOPE, READ_SCOPE],
  extractions: [EXTRACTIONS_SCOPE],
};

export interface NewApiKey {
  /** The whole key, to show once. */
  readonly key: string;
  readonly record: ApiKeyRecord;
}

export function generateApiKey(input: {
  customerId: string;
  corpusIds: readonly string[] | null;
  role: ApiKeyRole;
  name: string;
  expiresAt: string | null;
  now?: Date;
}): NewApiKey {
  const keyId = crypto.randomBytes(8).toString('hex');
  const secret = crypto.randomBytes(32).toString('base64url');
  return {
    key: `cgk_${keyId}_${secret}`,
    record: {
      keyId,
      customerId: input.customerId,
      corpusIds: input.corpusIds,
      role: input.role,
      secretSha256: sha256(secret),
      name: input.name,
      createdAt: (input.now ?? new Date()).toISOString(),
      expiresAt: input.expiresAt,
      revokedAt: null,
    },
  };
}

export function parseApiKey(key: string): { keyId: string; secret: string } | null {
  const match = KEY_PATTERN.exec(key.trim());
  return match ? { keyId: match[1]!, secret: match[2]! } : null;
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function secretMatches(secret: string, storedSha256: string): boolean {
  const presented = Buffer.from(sha256(secret), 'hex');
  const stored = Buffer.from(storedSha256, 'hex');
  return presented.length === stored.length && crypto.timingSafeEqual(presented, stored);
}

function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}
