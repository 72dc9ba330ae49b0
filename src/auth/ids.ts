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
