import { parse } from 'yaml';
import type { ExtractionWarning } from '../text-normalize.js';

/**
 * YAML front matter: `---` on the very first line, up to a line `---` (or `...`, as Jekyll and
 * pandoc accept). Only the first 64 KiB are looked at: front matter is a short header.
 */
const FRONT_MATTER = /^---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;
const FRONT_MATTER_MAX = 64 * 1024;
/**
 * yaml refuses a document whose aliases expand past this many nodes (its resource-exhaustion
 * check): a billion-laughs front matter is a warning, never a parse that blows up the heap.
 */
const MAX_ALIAS_COUNT = 100;
/** Nested values deeper than this are dropped from the metadata (the Document's JSON stays flat enough). */
const MAX_VALUE_DEPTH = 8;

export interface FrontMatter {
  /** The markdown after the front matter (the whole text when there is none). */
  readonly body: string;
  readonly metadata: Record<string, unknown>;
  readonly warnings: ExtractionWarning[];
}

export function splitFrontMatter(text: string): FrontMatter {
  const match = FRONT_MATTER.exec(text.slice(0, FRONT_MATTER_MAX));
  if (!match) return { body: text, metadata: {}, warnings: [] };
  const body = text.slice(match[0].length);
  let value: unknown;
  try {
    value = parse(match[1] ?? '', { maxAliasCount: MAX_ALIAS_COUNT, uniqueKeys: true, prettyErrors: false });
  } catch (err) {
    return { body, metadata: {}, warnings: [skipped(`the YAML front matter was not read: ${firstLine(err)}`)] };
  }
  if (value === null || value === undefined) return { body, metadata: {}, warnings: [] };
  if (typeof value !== 'object' || Array.isArray(value)) {
    // Not front matter after all (e.g. a thematic break, text, another break): kept as text.
    return { body: text, metadata: {}, warnings: [skipped('the block between the leading "---" lines is not a YAML mapping: it was read as text, not as metadata')] };
  }
  const metadata: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const json = jsonValue(v, 0);
    if (json !== undefined) metadata[key] = json;
  }
  return { body, metadata, warnings: [] };
}

/**
 * Plain JSON only: strings, finite numbers, booleans, null, arrays and plain objects. Whatever
 * else YAML can build (!!binary buffers, sets, maps with non-string keys, timestamps) is dropped.
 */
function jsonValue(v: unknown, depth: number): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (depth >= MAX_VALUE_DEPTH || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) return v.map((x) => jsonValue(x, depth + 1)).filter((x) => x !== undefined);
  if (Object.getPrototypeOf(v) !== Object.prototype) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, x] of Object.entries(v as Record<string, unknown>)) {
    const json = jsonValue(x, depth + 1);
    if (json !== undefined) out[key] = json;
  }
  return out;
}

function skipped(message: string): ExtractionWarning {
  return { code: 'CONTENT_SKIPPED', message };
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 200);
}
