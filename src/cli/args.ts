import { parseArgs } from 'node:util';
import { canonicalId, MAX_CORPUS_ID, MAX_CUSTOMER_ID } from '../auth/index.js';

export class UsageError extends Error {}

type Options = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

export function parse<T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function customerIdOption(value: string | undefined): string {
  const id = value === undefined ? null : canonicalId(value, MAX_CUSTOMER_ID);
  if (id === null) throw new UsageError(`--customer must be a customer id in 1 … ${MAX_CUSTOMER_ID}`);
  return id;
}

export function corpusIdOption(value: string | undefined): string {
  const id = value === undefined ? null : canonicalId(value, MAX_CORPUS_ID);
  if (id === null) throw new UsageError(`--corpus must be a corpus id in 1 … ${MAX_CORPUS_ID}`);
  return id;
}
