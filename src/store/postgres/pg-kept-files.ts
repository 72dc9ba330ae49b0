import type { FileVault } from '../file-vault.js';
import type { SpooledFile } from '../job-store.js';
import type { PgConnection, Queryable } from './pg-connection.js';
import { NEEDING_FILE } from '../job-rows.js';

/**
 * One kept file's lock, held until the end of the transaction. Moving a file in (with the jobs
 * needing it) and removing it (when no job needs it) both take it, so across every process on the
 * database they never interleave: the SQLite store gets the same from its single write lock.
 */
const LOCK_FILE = `SELECT pg_advisory_xact_lock(hashtextextended('corpusgate kept file ' || $1, 0))`;

/** Each SHA-256 once, sorted: transactions locking several files lock them in one order (no deadlocks). */
const distinctSorted = (shas: Iterable<string>): string[] => [...new Set(shas)].sort();

/**
 * The batch files' lifecycle (DATA_DIR/files/<sha256>) in the PostgreSQL store.
 *
 * Moving in happens inside the transaction that inserts the jobs, before its COMMIT, under the
 * files' locks. Removing happens in a transaction of its own, run after the write that left a
 * file unneeded has committed: it takes the file's lock and then looks for a queued, processing
 * or failed job needing the file, in a statement that sees every commit made before the lock was
 * granted. Removing inside the write transaction itself (as SQLite does) would lose a file that a
 * job still needs whenever that COMMIT failed (a lost connection): here a crash between the two
 * transactions leaves an unneeded file behind at worst (it goes with the next job of the same
 * bytes), never a job without its file. The one visible difference from SQLite: another reader
 * may see a job done (or gone) a moment before its file is removed; the method itself returns
 * only after the removal.
 */
export class PgKeptFiles {
  constructor(
    private readonly connection: PgConnection,
    private readonly vault: FileVault,
  ) {}

  /**
   * Inside createJobs' transaction, after its inserts: locks the files and renames the spool files
   * in, recording in `moved` what was moved (for the caller's clean-up if the transaction fails).
   * A retried transaction (deadlock) finds its spool files moved already: the rename then fails
   * and the batch is refused (createJobs' clean-up removes what no committed job needs).
   */
  async moveIn(client: Queryable, files: readonly SpooledFile[], moved: Set<string>): Promise<void> {
    for (const sha256 of distinctSorted(files.map((file) => file.sha256))) await client.query(LOCK_FILE, [sha256]);
    for (const file of files) {
      this.vault.keepSync(file.spooledTo, file.sha256);
      moved.add(file.sha256);
    }
  }

  /** Removes each file that no queued, processing or failed job needs (see the class comment). */
  async release(shas: Iterable<string>): Promise<void> {
    const sorted = distinctSorted(shas);
    if (sorted.length === 0) return;
    await this.connection.transaction(async (client) => {
      for (const sha256 of sorted) {
        await client.query(LOCK_FILE, [sha256]);
        const { rows } = await client.query(`SELECT 1 FROM jobs WHERE sha256 = $1 AND status IN ${NEEDING_FILE} LIMIT 1`, [sha256]);
        if (rows.length === 0) this.vault.removeSync(sha256);
      }
    });
  }
}
