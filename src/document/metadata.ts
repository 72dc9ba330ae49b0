import { InvalidRequestError } from '../errors/index.js';
import { MAX_JSON_DEPTH, nestsTooDeep } from './json-depth.js';

export type JsonObject = { [key: string]: unknown };

export const MAX_DOC_METADATA_BYTES = 64 * 1024;

/** Parses the `doc_metadata` form value: it must be a JSON object. */
export function parseDocMetadata(raw: string): JsonObject {
  if (nestsTooDeep(raw)) throw new InvalidRequestError('INVALID_METADATA', `doc_metadata nests deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new InvalidRequestError('INVALID_METADATA', `doc_metadata is not valid JSON: ${(err as Error).message}`);
  }
  if (!isJsonObject(value)) {
    throw new InvalidRequestError('INVALID_METADATA', `doc_metadata must be a JSON object, got ${describe(value)}`);
  }
  return value;
}

/**
 * Merges the upload's doc_metadata into a metadata_json string (user keys win). An empty
 * metadata_json with no user metadata stays empty.
 */
export function mergeMetadataJson(metadataJson: string, user: JsonObject | undefined, where: string): string {
  const base = parseMetadataJson(metadataJson, where) ?? {};
  if (user === undefined) return metadataJson.trim() === '' ? '' : JSON.stringify(base);
  return JSON.stringify({ ...base, ...user });
}

/**
 * A Document's or section's metadata_json: empty (null), or a JSON object nesting at most
 * MAX_JSON_DEPTH levels; anything else is INVALID_DOCUMENT.
 */
export function parseMetadataJson(metadataJson: string, where: string): JsonObject | null {
  if (metadataJson.trim() === '') return null;
  if (nestsTooDeep(metadataJson)) {
    throw new InvalidRequestError('INVALID_DOCUMENT', `${where} metadata_json nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(metadataJson);
  } catch (err) {
    throw new InvalidRequestError('INVALID_DOCUMENT', `${where} metadata_json is not valid JSON: ${(err as Error).message}`);
  }
  if (!isJsonObject(parsed)) {
    throw new InvalidRequestError('INVALID_DOCUMENT', `${where} metadata_json must be a JSON object, got ${describe(parsed)}`);
  }
  return parsed;
}

/** JSON with object keys sorted at every level: the same metadata always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
