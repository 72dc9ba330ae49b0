import { InvalidRequestError } from '../../errors/index.js';
import type { MetadataCondition } from '../../store/index.js';

/**
 * The subset of Vectara's metadata filter language this gateway evaluates: equality on
 * document-level metadata, joined by AND — `doc.lang = 'en' AND doc.year = 2020`. A string value
 * is quoted ('' escapes a quote); an unquoted number matches a JSON number. Anything else is
 * refused rather than half-understood.
 */
const CONDITION = /^doc\.([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?))$/;
const MAX_CONDITIONS = 16;

export function parseMetadataFilter(filter: string): MetadataCondition[] {
  const text = filter.trim();
  if (text === '') return [];
  const parts = splitOnAnd(text);
  if (parts.length > MAX_CONDITIONS) fail(filter, `at most ${MAX_CONDITIONS} conditions`);
  return parts.map((part) => {
    const m = CONDITION.exec(part.trim());
    if (!m) fail(filter, `cannot read "${part.trim()}"`);
    const value = m[2] !== undefined ? m[2].replace(/''/g, "'") : Number(m[3]);
    return { key: m[1]!, value };
  });
}

/** Splits on AND (any case) outside quoted strings. */
function splitOnAnd(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "'") quoted = !quoted;
    else if (!quoted && /\s/.test(text[i]!) && /^\s+and\s+/i.test(text.slice(i))) {
      parts.push(text.slice(start, i));
      const skip = /^\s+and\s+/i.exec(text.slice(i))![0].length;
      i += skip - 1;
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function fail(filter: string, why: string): never {
  throw new InvalidRequestError(
    'INVALID_FILTER',
    `unsupported metadataFilter "${filter}": ${why}; supported: doc.<key> = 'text' or doc.<key> = <number>, joined by AND`,
  );
}
