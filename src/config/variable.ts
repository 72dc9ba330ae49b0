import type { Parser } from './parsers.js';
import type { ConfigPath, ValueAt } from './types.js';

/** One environment variable of the config table (variables.ts). */
export interface Variable<P extends ConfigPath = ConfigPath> {
  readonly name: string;
  readonly description: string;
  /** Default as written in .env.example, parsed like a set value; undefined = unset. */
  readonly default?: string;
  readonly parser: Parser<ValueAt<P>>;
  /** The Config field the value lands in. */
  readonly to: P;
  /** The value when unset and without a documented default (overrides parser.unset). */
  readonly unset?: () => ValueAt<P>;
}

/** Types one entry: its parser must yield the type of the field it targets. */
export function variable<const P extends ConfigPath>(spec: Variable<P>): Variable<P> {
  return spec;
}

export const MS_1H = 3_600_000;
