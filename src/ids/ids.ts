import { InvalidRequestError } from '../errors/index.js';

/**
 * Ids as the gateway keeps them: canonical decimal strings (customer ids reach 2^63−1, past
 * JavaScript's safe integers). HTTP, the CLI and the use cases all parse them here, with one
 * message style. The brands say a string has been through these checks.
 */
export type CustomerId = string & { readonly __brand: 'CustomerId' };
export type CorpusId = string & { readonly __brand: 'CorpusId' };

/** Customer ids: 1 … 2^63−1 (Vectara's int64). Corpus ids: 1 … 2^32−1 (uint32). */
export const MAX_CUSTOMER_ID = (1n << 63n) - 1n;
export const MAX_CORPUS_ID = (1n << 32n) - 1n;

/**
 * The canonical decimal form of an id in 1 … max ("007" → "7"), or null when the value is not
 * such a number. Accepts strings and (safe) integers, the two ways JSON clients send ids.
 */
export function canonicalId(value: unknown, max: bigint): string | null {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return null;
    text = String(value);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return null;
  }
  if (!/^\d{1,20}$/.test(text)) return null;
  const n = BigInt(text);
  if (n < 1n || n > max) return null;
  return n.toString();
}

/** The customer id, or null when `value` is none. */
export const toCustomerId = (value: unknown): CustomerId | null => canonicalId(value, MAX_CUSTOMER_ID) as CustomerId | null;
/** The corpus id, or null when `value` is none. */
export const toCorpusId = (value: unknown): CorpusId | null => canonicalId(value, MAX_CORPUS_ID) as CorpusId | null;

/** A customer id given as `name` (a query parameter, a header, a field, a CLI option); 400 otherwise. */
export function parseCustomerId(value: unknown, name: string): CustomerId {
  return toCustomerId(value) ?? refuse(value, name, 'customer id', MAX_CUSTOMER_ID);
}

/** A corpus id given as `name`; 400 otherwise. */
export function parseCorpusId(value: unknown, name: string): CorpusId {
  return toCorpusId(value) ?? refuse(value, name, 'corpus id', MAX_CORPUS_ID);
}

function refuse(value: unknown, name: string, what: string, max: bigint): never {
  const got = value === undefined ? 'nothing' : typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));
  throw new InvalidRequestError('INVALID_PARAMETER', `${name} (${what}) must be a decimal number in 1 … ${max}, got ${got}`);
}
