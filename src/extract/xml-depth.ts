/**
 * XML nested deeper than this is refused before mammoth parses it. Its XML reader gives each
 * element a namespace scope whose prototype is its parent's: 100,000 nested elements made a
 * 100,000-deep prototype chain, and V8 spent minutes in native code invalidating it — code that
 * worker.terminate() cannot interrupt, so the worker outlived its time limit and kept the
 * process from exiting (attack suite, 2026-11-30). Real documents nest a few dozen levels.
 */
export const MAX_XML_DEPTH = 1_000;

/**
 * The deepest element nesting of XML bytes, without parsing (tags are ASCII; comments, CDATA and
 * processing instructions are skipped, attribute values may hold '>' only inside quotes, which
 * this scan does not need to track for depth: '/>' closes, '</' ends). Stops past `stopAbove`.
 */
export function xmlNestingDepth(xml: Uint8Array, stopAbove = Infinity): number {
  const LT = 0x3c;
  const GT = 0x3e;
  const SLASH = 0x2f;
  const BANG = 0x21;
  const QUESTION = 0x3f;
  let depth = 0;
  let max = 0;
  for (let i = 0; i < xml.length; i++) {
    if (xml[i] !== LT) continue;
    const next = xml[i + 1];
    if (next === BANG || next === QUESTION) {
      // <!-- … -->, <![CDATA[ … ]]>, <!DOCTYPE …>, <? … ?>: skip to the matching end.
      const end = next === BANG && xml[i + 2] === 0x2d ? indexOf(xml, '-->', i) : next === BANG && xml[i + 2] === 0x5b ? indexOf(xml, ']]>', i) : xml.indexOf(GT, i);
      if (end < 0) break;
      i = end;
      continue;
    }
    if (next === SLASH) {
      depth--;
      continue;
    }
    const close = xml.indexOf(GT, i);
    if (close < 0) break;
    if (xml[close - 1] !== SLASH && ++depth > max) {
      max = depth;
      if (max > stopAbove) return max;
    }
    i = close;
  }
  return max;
}

function indexOf(bytes: Uint8Array, text: string, from: number): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(text, from);
}
