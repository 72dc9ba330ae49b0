/**
 * One nesting limit for every JSON input: `doc_metadata`, the `metadata_json` of a Document and of
 * its sections, and the JSON bodies of the v1 routes. Nothing real nests this deep, and every
 * later step that walks JSON (canonical hashing, JSON.stringify in the listings, SQLite's JSON
 * functions) recurses: text that passes this check can never overflow a stack downstream.
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * The deepest nesting of objects and arrays in JSON text, counted without parsing and without
 * recursion; it stops counting once `stopAbove` is passed. Works on a string or on UTF-8 bytes
 * (the structural characters are ASCII, and no UTF-8 continuation byte is ASCII). Invalid JSON is
 * measured all the same: the parser that follows reports it.
 */
export function jsonNestingDepth(text: string | Uint8Array, stopAbove = Infinity): number {
  const isString = typeof text === 'string';
  const at = (i: number): number => (isString ? text.charCodeAt(i) : (text[i] as number));
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = at(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return max;
}

/** True when the text nests objects and arrays deeper than `limit` (default MAX_JSON_DEPTH). */
export function nestsTooDeep(text: string | Uint8Array, limit = MAX_JSON_DEPTH): boolean {
  return jsonNestingDepth(text, limit) > limit;
}
