import { parseArgs } from 'node:util';
import { GatewayError } from '../errors/index.js';
import { parseCorpusId, parseCustomerId, type CorpusId, type CustomerId } from '../ids/index.js';

export class UsageError extends Error {}

type Options = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

/**
 * The CLI's one argument parser: node:util's parseArgs, strict, with a usage error (exit 2) for
 * anything it refuses; `usage` is appended to that message. Admin commands take no positionals.
 */
export function parseCommandLine<T extends Options>(argv: string[], options: T, usage = '', allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(usage ? `${(err as Error).message}\n\n${usage}` : (err as Error).message);
  }
}

/** --customer, parsed by the one ids module; a bad value is a usage error (exit 2). */
export function customerIdOption(value: string | undefined): CustomerId {
  return asUsageError(() => parseCustomerId(value, '--customer'));
}

export function corpusIdOption(value: string | undefined): CorpusId {
  return asUsageError(() => parseCorpusId(value, '--corpus'));
}

function asUsageError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw err instanceof GatewayError ? new UsageError(err.message) : err;
  }
}
