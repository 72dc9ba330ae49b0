import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { UnavailableError } from '../../errors/index.js';
import type { SchemaReport } from '../document-store.js';
import { MIGRATIONS } from './migrations.js';
import { WalCheckpointer } from './wal-checkpointer.js';

const STATEMENT_CACHE_MAX = 100;
/** Default of SqliteStoreOptions.lockWaitMs (SQLITE_LOCK_WAIT_MS). */
export const DEFAULT_LOCK_WAIT_MS = 5000;
/** Pauses between attempts to get a lock: doubling from the first, capped, with jitter. */
const RETRY_FIRST_MS = 2;
const RETRY_MAX_MS = 50;

/**
 * SQLite could not get a lock another connection holds (SQLITE_BUSY, SQLITE_LOCKED and their
 * extended codes), or gave up on the WAL's shared-memory locks (SQLITE_PROTOCOL): worth retrying.
 * Recognised by its code alone, not `instanceof Database.SqliteError` (nor Error): the native
 * addon keeps the SqliteError class of the first copy of better-sqlite3 that loaded it, so a
 * second module instance in the process (Jest gives every test file its own modules and globals)
 * throws errors of another class.
 */
export function isLockError(err: unknown): boolean {
  return /^SQLITE_(BUSY|LOCKED|PROTOCOL)/.test(sqliteCode(err));
}

/** A UNIQUE or PRIMARY KEY constraint refused a row (the key is taken). */
export function isUniqueViolation(err: unknown): boolean {
  return /^SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE)$/.test(sqliteCode(err));
}

function sqliteCode(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : '';
}

export interface SqliteStoreOptions {
  /** Path of the database file; its directory is created when missing. */
  readonly file: string;
  /** Checkpoint the WAL from a worker thread (default), not inside commits on the event loop. */
  readonly backgroundCheckpoint?: boolean;
  /**
   * How long an operation waits for a lock held by another connection (another process's write
   * transaction) before it fails with UnavailableError; default DEFAULT_LOCK_WAIT_MS.
   */
  readonly lockWaitMs?: number;
  /** The checkpoint thread's code; default: the compiled checkpoint-worker.js beside this module. */
  readonly checkpointWorkerUrl?: URL;
  /**
   * Where batch-uploaded files are kept (the store moves them in and removes them with their
   * jobs); default: `files` beside the database file, i.e. DATA_DIR/files.
   */
  readonly filesDir?: string;
}

/**
 * One SQLite file in WAL mode, opened, migrated and ready. better-sqlite3 is synchronous, so each
 * operation runs to completion on the event loop; writes use BEGIN IMMEDIATE so that several
 * processes on the same file also serialise.
 *
 * Waiting for another process's lock must not block the event loop: SQLite's busy_timeout sleeps
 * on the calling thread (with another process holding the write lock for 7 s, /healthz stalled
 * for 4.9 s). So the connection does not wait (busy_timeout 0) and every operation goes through
 * withLock(), which retries a refused attempt after an asynchronous pause until lockWaitMs, then
 * gives up with 503 UNAVAILABLE. A refused BEGIN IMMEDIATE has run nothing, so a retry, or giving
 * up, leaves nothing half done.
 */
export class SqliteConnection {
  /** Prepared statements by SQL text (see sql()). */
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(
    readonly db: Database.Database,
    private readonly lockWaitMs: number,
    private readonly checkpointer: WalCheckpointer | undefined,
    /** What open() found and left: PRAGMA user_version before and after the migrations. */
    readonly schema: SchemaReport,
  ) {}

  /** Opens (creating the directory and file), migrates, and starts the WAL checkpointer. */
  static async open(options: SqliteStoreOptions): Promise<SqliteConnection> {
    await fs.promises.mkdir(path.dirname(options.file), { recursive: true });
    const lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
    // Opening runs before the gateway serves anything: there, SQLite's own (blocking) wait is fine.
    const db = new Database(options.file, { timeout: lockWaitMs });
    let schema: SchemaReport;
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      schema = migrate(db, options.file);
      // From here on a lock held elsewhere fails at once, and withLock() waits without blocking.
      db.pragma('busy_timeout = 0');
    } catch (err) {
      db.close();
      throw err;
    }
    let checkpointer: WalCheckpointer | undefined;
    if (options.backgroundCheckpoint ?? true) {
      db.pragma('wal_autocheckpoint = 0');
      checkpointer = new WalCheckpointer(options.file, (why) => {
        // Back to SQLite's own checkpoints: slower commits, but the WAL stays bounded.
        if (db.open) db.pragma('wal_autocheckpoint = 1000');
        process.emitWarning(`${why}; SQLite checkpoints in commits again`, 'CorpusgateWarning');
      }, options.checkpointWorkerUrl);
    }
    return new SqliteConnection(db, lockWaitMs, checkpointer, schema);
  }

  /**
   * A prepared statement, compiled once per SQL text: preparing costs ~25 µs each time on these
   * machines (better-sqlite3, measured), against ~12 µs to run a cached lookup, and an upload
   * runs about eight. Statements built from a variable number of conditions (listDocuments) are
   * bounded by STATEMENT_CACHE_MAX, oldest dropped first.
   */
  sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      if (this.statements.size >= STATEMENT_CACHE_MAX) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /**
   * `body` as one write transaction (BEGIN IMMEDIATE), through withLock(). A UNIQUE/PRIMARY KEY
   * violation (a key another writer took; nothing was written) is translated at this edge into
   * the domain error `onUniqueViolation` gives, never a 500.
   */
  async write<T>(body: () => T, onUniqueViolation?: () => Error): Promise<T> {
    try {
      return await this.withLock('write', () => this.db.transaction(body).immediate());
    } catch (err) {
      if (onUniqueViolation && isUniqueViolation(err)) throw onUniqueViolation();
      throw err;
    }
  }

  /** Reads through withLock(): in WAL mode they rarely meet a lock (recovery, a WAL restart). */
  read<T>(body: () => T): Promise<T> {
    return this.withLock('read', body);
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }

  /**
   * Runs `operation` (synchronous SQL: reads, or one transaction begun IMMEDIATE); while another
   * connection holds a lock it needs, tries again after a growing pause (2, 4, 8 … 50 ms,
   * jittered) that leaves the event loop free. After lockWaitMs: UnavailableError.
   */
  private async withLock<T>(kind: 'read' | 'write', operation: () => T): Promise<T> {
    const deadline = Date.now() + this.lockWaitMs;
    for (let pause = RETRY_FIRST_MS; ; pause = Math.min(pause * 2, RETRY_MAX_MS)) {
      try {
        return operation();
      } catch (err) {
        if (!isLockError(err)) throw err;
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new UnavailableError(
            `the database is locked by another process${kind === 'write' ? '; nothing was stored' : ''}`,
            Math.min(5, Math.max(1, Math.ceil(this.lockWaitMs / 1000))),
          );
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(left, pause * (0.5 + Math.random() / 2))));
        if (!this.db.open) throw new UnavailableError('the database was closed while waiting for its lock');
      }
    }
  }
}

function migrate(db: Database.Database, file: string): SchemaReport {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database ${file} has schema version ${current}, newer than this corpusgate (${MIGRATIONS.length})`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      const migration = MIGRATIONS[v]!;
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  return { before: current, after: MIGRATIONS.length };
}
