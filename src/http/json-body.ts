import express, { type RequestHandler } from 'express';
import { isJsonObject, MAX_JSON_DEPTH, nestsTooDeep } from '../document/index.js';
import { InvalidRequestError } from '../errors/index.js';

export type JsonFields = Readonly<Record<string, unknown>>;

/**
 * Parses a JSON object body whatever its Content-Type says (curl users forget the header).
 * body-parser's own errors (bad JSON, too large) are mapped by the error handler.
 */
export function jsonObjectBody(limitBytes: number, maxDepth = MAX_JSON_DEPTH): RequestHandler[] {
  return [
    express.json({
      limit: limitBytes,
      strict: true,
      type: () => true,
      // Measured on the raw bytes before JSON.parse: a body nested thousands deep never becomes
      // an object that later code (canonical JSON, the views) would recurse through.
      verify: (_req, _res, raw) => {
        if (nestsTooDeep(raw, maxDepth)) throw new InvalidRequestError('INVALID_JSON', `the body nests deeper than ${maxDepth} levels`);
      },
    }),
    (req, _res, next) => {
      if (!isJsonObject(req.body)) {
        throw new InvalidRequestError('INVALID_JSON', 'the body must be a JSON object');
      }
      next();
    },
  ];
}

/**
 * A field by its proto field name (`corpus_id`) or its proto3 JSON name (`corpusId`): Vectara's
 * clients send either. Both at once must agree.
 */
export function field(body: JsonFields, snakeName: string): unknown {
  const camelName = snakeName.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const snake = body[snakeName];
  const camel = body[camelName];
  if (snake !== undefined && camel !== undefined && JSON.stringify(snake) !== JSON.stringify(camel)) {
    throw new InvalidRequestError('INVALID_PARAMETER', `${snakeName} and ${camelName} disagree`);
  }
  return snake ?? camel;
}

/**
 * Like `field`, but an explicit null (in either spelling) is kept as null, not read as absent:
 * where null means something (a quota limit's "the configured default").
 */
export function nullableField(body: JsonFields, snakeName: string): unknown {
  const value = field(body, snakeName);
  if (value !== undefined) return value;
  const camelName = snakeName.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return body[snakeName] === null || body[camelName] === null ? null : undefined;
}

export function optionalString(body: JsonFields, snakeName: string): string | undefined {
  const value = field(body, snakeName);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidRequestError('INVALID_PARAMETER', `${snakeName} must be a string`);
  return value;
}

export function optionalInteger(body: JsonFields, snakeName: string): number | undefined {
  const value = field(body, snakeName);
  if (value === undefined || value === null) return undefined;
  // proto3 JSON may send integers as strings.
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new InvalidRequestError('INVALID_PARAMETER', `${snakeName} must be an integer`);
  return n;
}
