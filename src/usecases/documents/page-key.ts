import { InvalidRequestError } from '../../errors/index.js';

/**
 * Page keys are opaque to clients: base64url of a small JSON cursor holding the last id of the
 * page. Listing is ordered by id, so a cursor stays valid while documents are added or removed:
 * nothing is skipped or repeated that existed for the whole listing.
 */
export function encodePageKey(lastId: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after: lastId }), 'utf8').toString('base64url');
}

export function decodePageKey(pageKey: string): string {
  try {
    const cursor = JSON.parse(Buffer.from(pageKey, 'base64url').toString('utf8')) as { v?: unknown; after?: unknown };
    if (cursor.v === 1 && typeof cursor.after === 'string') return cursor.after;
  } catch {
    // fall through: not one of ours
  }
  throw new InvalidRequestError('INVALID_PAGE_KEY', 'the page key is not one this gateway issued; start again without it');
}
