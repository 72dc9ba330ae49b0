import type { Request } from 'express';
import { InvalidRequestError } from '../errors/index.js';

/** A query parameter given at most once ('simple' parser: a repeated one arrives as an array). */
export function queryValue(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidRequestError('INVALID_PARAMETER', `${name} must be given once`);
  return value;
}
