import { corpusIdOption, customerIdOption, parseCommandLine, UsageError } from '../args.js';
import { resolveConnection, type Connection } from './connection.js';

/** The options every client command takes: where the gateway is, whose corpus. */
export const COMMON_OPTIONS = {
  url: { type: 'string' },
  corpus: { type: 'string' },
  customer: { type: 'string' },
} as const;

/** parseCommandLine with positionals (the paths or id a client command takes). */
export function parseClientCommandLine<T extends Parameters<typeof parseCommandLine>[1]>(argv: string[], options: T, usage: string) {
  return parseCommandLine(argv, options, usage, true);
}

export interface Target {
  readonly connection: Connection;
  readonly corpusId: string;
  /** From --customer; otherwise the gateway uses the credential's customer. */
  readonly customerId: string | undefined;
}

export function resolveTarget(values: { url?: string | boolean; corpus?: string | boolean; customer?: string | boolean }, usage: string): Target {
  if (typeof values.corpus !== 'string') throw new UsageError(`--corpus is required\n\n${usage}`);
  return {
    connection: resolveConnection(typeof values.url === 'string' ? values.url : undefined),
    corpusId: corpusIdOption(values.corpus),
    customerId: typeof values.customer === 'string' ? customerIdOption(values.customer) : undefined,
  };
}

/** A whole number in [min, max], from an option. */
export function integerOption(value: string | boolean | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
}
