import pg from 'pg';
import { GatewayError, UnavailableError } from '../../errors/index.js';
import type { PoolStats } from '../document-store.js';

/** Default of PostgresStoreOptions.poolSize (DATABASE_POOL_SIZE). */
export const DEFAULT_POOL_SIZE = 10;
/** Waiting this long for a connection (the server is down or the pool is exhausted) → 503. */
const CONNECT_TIMEOUT_MS = 5_000;
/**
 * Default of PostgresStoreOptions.lockWaitMs: charges of one customer queue on its usage row, each
 * holding it for a few milliseconds; a lock held for seconds is something stuck (an operator's
 * open transaction), and a 503 with Retry-After is better than a request that hangs.
 */
export const DEFAULT_LOCK_WAIT_MS = 10_000;
/** Serialization failures and deadlocks: the transaction runs again this many times in all. */
const MAX_ATTEMPTS = 4;
const RETRY_PAUSE_MS = 5;

export interface PostgresStoreOptions {
  /** postgres://… (DATABASE_URL); `?options=-c search_path=…` selects a schema. */
  readonly url: string;
  /** Most connections this process opens (DATABASE_POOL_SIZE). */
  readonly poolSize?: number;
  /** PostgreSQL's synchronous_commit for this pool's sessions (DATABASE_SYNCHRONOUS_COMMIT); the server's default when absent. */
  readonly synchronousCommit?: 'on' | 'off';
  /**
   * Longest a statement waits for a row lock another transaction holds (PostgreSQL's
   * lock_timeout); past it UnavailableError and the transaction is rolled back. Default
   * DEFAULT_LOCK_WAIT_MS.
   */
  readonly lockWaitMs?: number;
  /**
   * Where batch-uploaded files are kept (the store moves them in and removes them with their
   * jobs): DATA_DIR/files, as the server and the commands pass it. Absent (tests of the store
   * alone): no files are kept — a batch with `files` is refused, and nothing is ever removed.
   */
  readonly filesDir?: string;
}


/** The driver's error code: SQLSTATE for server errors, errno names (ECONNREFUSED) for sockets. */
function codeOf(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : '';
}

/** A UNIQUE or PRIMARY KEY constraint refused a row (the key is taken). */
export function isUniqueViolation(err: unknown): boolean {
  return codeOf(err) === '23505';
}

/** serialization_failure and deadlock_detected: nothing was done, the same transaction may succeed. */
function isRetryableConflict(err: unknown): boolean {
  return codeOf(err) === '40001' || codeOf(err) === '40P01';
}

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * The database cannot be reached or dropped the connection: class 08 (connection exception),
 * 57P01–57P03 (shut down, crashed, starting), 53300 (too many connections), socket errors, and
 * the messages pg gives without a code (a connection that ended, the pool's connect timeout).
 */
export function isConnectionLoss(err: unknown): boolean {
  const code = codeOf(err);
  if (code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300' || SOCKET_CODES.has(code)) return true;
  const message = err instanceof Error ? err.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(message);
}

/**
 * A domain error as it is; a lost connection, or a row lock held by another transaction past
 * lock_timeout (55P03), as UnavailableError (503); anything else unchanged (500).
 */
export function translate(err: unknown, lockWaitMs: number): unknown {
  if (err instanceof GatewayError) return err;
  if (codeOf(err) === '55P03') {
    return new UnavailableError(`the database is busy: a lock was held longer than ${lockWaitMs} ms; nothing was stored`, 1);
  }
  if (isConnectionLoss(err)) {
    const detail = err instanceof Error ? err.message : String(err);
    // A lost COMMIT may or may not have landed: a retried upload is then answered as a replay.
    return new UnavailableError(`the database cannot be reached (${detail})`, 5);
  }
  return err;
}

/**
 * Results as the store's mapping expects them: bigint (used chars, sizes) as a number (counts stay
 * far below 2^53), timestamptz as an ISO 8601 string with milliseconds, like the SQLite store.
 */
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
    if (oid === pg.types.builtins.TIMESTAMPTZ) return (value: string) => new Date(value).toISOString();
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
} as pg.CustomTypesConfig;

/**
 * A statement's text, or a named one: PostgreSQL parses and plans a named statement once per
 * connection and reuses the plan (the hot path of an upload uses these; statements built from a
 * request's filters stay unnamed, so a connection's cache of them cannot grow without bound).
 */
export type Statement = string | { readonly name: string; readonly text: string };

/** A Statement PostgreSQL prepares once per connection. */
export const named = (name: string, text: string): Statement => ({ name, text });

/** What the store's queries run on: the pool (one statement) or a transaction's connection. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(statement: Statement, values?: readonly unknown[]): Promise<pg.QueryResult<R>>;
}

const toConfig = (statement: Statement, values: readonly unknown[]): pg.QueryConfig =>
  typeof statement === 'string' ? { text: statement, values: values as unknown[] } : { name: statement.name, text: statement.text, values: values as unknown[] };

/** A pg.Pool with the store's error translation, transactions with retry, and pool counters. */
export class PgConnection implements Queryable {
  readonly pool: pg.Pool;
  private closing: Promise<void> | undefined;
  private readonly lockWaitMs: number;

  constructor(options: PostgresStoreOptions) {
    this.lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: 'corpusgate',
      lock_timeout: this.lockWaitMs,
      types: TYPES,
    });
    // An idle connection that the server closes (a restart, pg_terminate_backend) is dropped by
    // the pool, which then emits 'error': without a listener that would end the process.
    this.pool.on('error', () => {});
    // Queued by pg before any statement of ours on the new connection.
    const { synchronousCommit } = options;
    if (synchronousCommit) this.pool.on('connect', (client) => void client.query(`SET synchronous_commit TO ${synchronousCommit}`).catch(() => {}));
  }

  /** One statement outside a transaction (reads, single-row writes), retried like a transaction. */
  query<R extends pg.QueryResultRow>(statement: Statement, values: readonly unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.retrying(() => this.pool.query<R>(toConfig(statement, values)));
  }

  /**
   * `body` inside BEGIN … COMMIT on one pooled connection (READ COMMITTED; the body takes the row
   * locks it needs), retried as a whole (see retrying()); `onUniqueViolation` turns a 23505 into
   * the caller's conflict/replay path.
   */
  transaction<T>(body: (client: Queryable) => Promise<T>, onUniqueViolation?: () => Promise<T>): Promise<T> {
    return this.retrying(() => this.once(body), onUniqueViolation);
  }

  /**
   * Runs `operation` again after a serialization failure or a deadlock (PostgreSQL rolled it back:
   * nothing of it stayed), up to MAX_ATTEMPTS times; translates what it finally throws.
   */
  private async retrying<T>(operation: () => Promise<T>, onUniqueViolation?: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation();
      } catch (err) {
        if (isRetryableConflict(err) && attempt < MAX_ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS * attempt * (0.5 + Math.random())));
          continue;
        }
        if (onUniqueViolation && isUniqueViolation(err)) return onUniqueViolation();
        throw translate(err, this.lockWaitMs);
      }
    }
  }

  private async once<T>(body: (client: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: unknown;
    try {
      await client.query('BEGIN');
      const result = await body({ query: (statement, values = []) => client.query(toConfig(statement, values)) });
      await client.query('COMMIT');
      return result;
    } catch (err) {
      // A connection that failed mid-transaction is not given back to the pool for reuse.
      if (isConnectionLoss(err)) broken = err;
      else await client.query('ROLLBACK').catch((rollbackErr: unknown) => (broken = rollbackErr));
      throw err;
    } finally {
      client.release(broken instanceof Error ? broken : broken === undefined ? undefined : true);
    }
  }

  /** SELECT 1, bounded by `timeoutMs` (also while waiting for a free connection). */
  async ping(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`PostgreSQL gave no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.pool.query('SELECT 1'), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  stats(): PoolStats {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  /** Ends the pool once; closing again (as the SQLite store allows) waits for the same end. */
  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
}
