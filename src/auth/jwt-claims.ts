import { AuthenticationError } from '../errors/index.js';
import { toCorpusId, toCustomerId } from '../ids/index.js';
import type { Principal } from './principal.js';

/**
 * Reads the gateway's claims from a verified JWT payload. Claims that restrict what a token may
 * do are read strictly: a restricting claim that cannot be read restricts everything, so a token
 * whose `corpus_ids` or `scope` has the wrong shape is refused (401), never read as "no limit".
 */
export function principalFromClaims(payload: Readonly<Record<string, unknown>>): Principal {
  return {
    subject: typeof payload['sub'] === 'string' ? payload['sub'] : '',
    // A missing or unreadable customer id names no customer, which authorize() refuses for all.
    customerId: toCustomerId(payload['customer_id']),
    scopes: readScopes(payload),
    corpusIds: readCorpusIds(payload),
  };
}

/**
 * `corpus_ids`: absent → every corpus of the customer; an array of ids (numbers or decimal
 * strings) → those corpora; `[]` → none. Anything else — a string, a number, an object, null,
 * an array holding something that is not a corpus id — is 401.
 */
function readCorpusIds(payload: Readonly<Record<string, unknown>>): ReadonlySet<string> | null {
  if (!Object.hasOwn(payload, 'corpus_ids')) return null;
  const raw = payload['corpus_ids'];
  if (!Array.isArray(raw)) throw new AuthenticationError('invalid corpus_ids claim: expected an array of corpus ids');
  const ids = new Set<string>();
  for (const entry of raw) {
    const id = toCorpusId(entry);
    if (id === null) throw new AuthenticationError('invalid corpus_ids claim: every entry must be a corpus id (1 … 4294967295)');
    ids.add(id);
  }
  return ids;
}

/** `scope`: absent → none; a space-separated string (RFC 8693) or an array of strings; else 401. */
function readScopes(payload: Readonly<Record<string, unknown>>): ReadonlySet<string> {
  if (!Object.hasOwn(payload, 'scope')) return new Set();
  const raw = payload['scope'];
  if (typeof raw === 'string') return new Set(raw.split(' ').filter(Boolean));
  // Each array entry is one scope, taken as it is: "a b" in an array is one (unknown) scope.
  if (Array.isArray(raw) && raw.every((s): s is string => typeof s === 'string')) return new Set(raw);
  throw new AuthenticationError('invalid scope claim: expected a space-separated string or an array of strings');
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * A compact JWS is three base64url segments in their one canonical form: no padding, no other
 * characters, no stray bits in the last character. jose's decoder is lenient (it accepts "=" and
 * non-zero trailing bits), so one token would otherwise have several valid spellings.
 */
export function assertCanonicalCompactJws(token: string): void {
  const segments = token.split('.');
  if (segments.length !== 3) throw new AuthenticationError('invalid token: malformed token (a JWS has three segments)');
  for (const segment of segments) {
    if (!BASE64URL.test(segment) || Buffer.from(segment, 'base64url').toString('base64url') !== segment) {
      throw new AuthenticationError('invalid token: malformed token (segments must be canonical base64url)');
    }
  }
}
