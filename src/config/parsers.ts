/**
 * Parsers for environment variables, built from small combinators. A parser sees the trimmed,
 * non-blank value (an unset or blank variable takes its documented default instead, see
 * load-config.ts) and returns the typed value or throws Rejected naming the variable and what it
 * accepts. `accepts` is that description ("an integer from 0 to 65535"), also used in messages.
 */
import nodePath from 'node:path';

export interface Parser<T> {
  /** What the variable accepts, as the error message says it: "an integer from 0 to 65535". */
  readonly accepts: string;
  /** The value of a trimmed, non-blank setting; throws Rejected when it is not accepted. */
  readonly parse: (raw: string, name: string) => T;
  /** The value when the variable is unset and has no default; absent = the variable needs a default. */
  readonly unset?: () => T;
}

/** A setting that is not accepted: one complete message per problem, each naming the variable. */
export class Rejected extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'Rejected';
  }
}

/** The usual message: `PORT must be an integer from 0 to 65535, got "eighty"`. */
function reject(name: string, accepts: string, raw: string): never {
  throw new Rejected([`${name} must be ${accepts}, got "${raw}"`]);
}

/** Decimal digits only (no sign, exponent or fraction) from min to max. */
export function int(min: number, max: number): Parser<number> {
  const accepts = `an integer from ${min} to ${max}`;
  return {
    accepts,
    parse: (raw, name) => {
      const value = Number(raw);
      if (!/^\d+$/.test(raw) || value < min || value > max) reject(name, accepts, raw);
      return value;
    },
  };
}

/** A limit: a non-negative integer, or "unlimited" (any case) = null; unset = null too. */
export function limit(max = Number.MAX_SAFE_INTEGER): Parser<number | null> {
  const count = int(0, max);
  const accepts = `${count.accepts} or "unlimited"`;
  return {
    accepts,
    parse: (raw, name) => {
      if (raw.toLowerCase() === 'unlimited') return null;
      try {
        return count.parse(raw, name);
      } catch {
        return reject(name, accepts, raw);
      }
    },
    unset: () => null,
  };
}

/** true/1/yes or false/0/no, in any case. */
export const bool: Parser<boolean> = {
  accepts: 'true or false',
  parse: (raw, name) => {
    const lower = raw.toLowerCase();
    if (['true', '1', 'yes'].includes(lower)) return true;
    if (['false', '0', 'no'].includes(lower)) return false;
    return reject(name, 'true or false', raw);
  },
};

/** One of the given words, in any case; the value is the word as listed. */
export function enumOf<const T extends string>(allowed: readonly T[]): Parser<T> {
  const accepts = `one of ${allowed.join(', ')}`;
  return {
    accepts,
    parse: (raw, name) => {
      const lower = raw.toLowerCase();
      const found = allowed.find((a) => a === lower);
      return found ?? reject(name, accepts, raw);
    },
  };
}

/** Any text, as given (trimmed). */
export const text: Parser<string> = { accepts: 'any text', parse: (raw) => raw };

/** A file system path, resolved against the working directory. */
export const path: Parser<string> = { accepts: 'a path', parse: (raw) => nodePath.resolve(raw) };

/** An http: or https: URL, kept as written. */
export const url: Parser<string> = {
  accepts: 'an http(s) URL',
  parse: (raw, name) => {
    let protocol: string;
    try {
      protocol = new URL(raw).protocol;
    } catch {
      return reject(name, 'an http(s) URL', raw);
    }
    return protocol === 'https:' || protocol === 'http:' ? raw : reject(name, 'an http(s) URL', raw);
  },
};

/**
 * A URL with one of these schemes, kept as written. A refusal names only the scheme it got, never
 * the URL: the rest of it may hold a password.
 */
function urlWithScheme(schemes: readonly string[], accepts: string): Parser<string> {
  return {
    accepts,
    parse: (raw, name) => {
      let protocol: string | null = null;
      try {
        protocol = new URL(raw).protocol;
      } catch {
        // Not a URL at all.
      }
      if (protocol !== null && schemes.includes(protocol.slice(0, -1))) return raw;
      const got = protocol === null ? 'something that is not a URL' : `a ${protocol}// URL`;
      throw new Rejected([`${name} must be ${accepts}, got ${got}`]);
    },
  };
}

/** A PostgreSQL connection URL. */
export const postgresUrl = urlWithScheme(['postgres', 'postgresql'], 'a postgres:// or postgresql:// URL (unset: SQLite in DATA_DIR)');

/** A Redis URL (rediss: with TLS). */
export const redisUrl = urlWithScheme(['redis', 'rediss'], 'a redis:// or rediss:// URL');

/** A secret of at least minBytes (UTF-8); the message never repeats the value. */
export function secret(minBytes: number, why: string): Parser<string> {
  const accepts = `at least ${minBytes} bytes (${why})`;
  return {
    accepts,
    parse: (raw, name) => {
      if (Buffer.byteLength(raw) < minBytes) throw new Rejected([`${name} must be ${accepts}`]);
      return raw;
    },
  };
}

/** The names of a comma-separated list, trimmed, blanks between commas skipped. */
export function splitList(raw: string): string[] {
  return raw.split(',').map((a) => a.trim()).filter(Boolean);
}

/**
 * A comma-separated list of names from `allowed` (case as listed); blanks between commas are
 * skipped, an empty list is refused. Every unknown name is reported. The result is frozen.
 */
export function listOf(allowed: readonly string[], noun: string): Parser<readonly string[]> {
  const accepts = `a comma-separated list of ${allowed.join(', ')}`;
  return {
    accepts,
    parse: (raw, name) => {
      const items = splitList(raw);
      const problems = items
        .filter((item) => !allowed.includes(item))
        .map((item) => `${name}: "${item}" is not an accepted ${noun} (accepted: ${allowed.join(', ')})`);
      if (items.length === 0) problems.push(`${name} must not be empty`);
      if (problems.length > 0) throw new Rejected(problems);
      return Object.freeze(items);
    },
  };
}

/** The parser, or null when the variable is unset (and has no default). */
export function optional<T>(parser: Parser<T>): Parser<T | null> {
  return { accepts: parser.accepts, parse: parser.parse, unset: () => null };
}
