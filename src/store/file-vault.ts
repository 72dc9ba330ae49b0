import fs from 'node:fs';
import path from 'node:path';

/**
 * Batch-uploaded files, content-addressed: DATA_DIR/files/<sha256>. The same bytes are kept once,
 * however often they are uploaded; a job reads its file by the hash it recorded.
 *
 * Moving files in and removing them is the store's business, never a caller's: the store does
 * both inside the write transaction that creates the jobs needing a file or finds that no job
 * needs it any more (see SqliteJobs), so that a file is never removed between being moved in and
 * its jobs being committed. Hence these are synchronous: they run inside a SQLite transaction.
 */
export interface FileVault {
  /** Where the file with this SHA-256 is. */
  pathOf(sha256: string): string;
  /**
   * Moves a fully written spool file in as the file with this SHA-256 (same disk: a rename; one
   * already there with the same bytes is replaced, nothing is lost either way).
   */
  keepSync(spooledTo: string, sha256: string): void;
  /** Removes the file with this SHA-256; one already gone is fine. */
  removeSync(sha256: string): void;
}

const SHA256 = /^[0-9a-f]{64}$/;

export function fileVault(dir: string): FileVault {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pathOf = (sha256: string): string => {
    if (!SHA256.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return path.join(dir, sha256);
  };
  return {
    pathOf,
    keepSync: (spooledTo, sha256) => fs.renameSync(spooledTo, pathOf(sha256)),
    removeSync: (sha256) => fs.rmSync(pathOf(sha256), { force: true }),
  };
}
