import fs from 'node:fs';
import path from 'node:path';

/**
 * Batch-uploaded files, content-addressed: DATA_DIR/files/<sha256>. The same bytes are kept once,
 * however often they are uploaded; a job reads its file by the hash it recorded.
 */
export interface FileVault {
  /** Moves a fully written spool file in as the file with this SHA-256 (same disk: a rename). */
  keep(spooledTo: string, sha256: string): Promise<void>;
  /** Where the file with this SHA-256 is. */
  pathOf(sha256: string): string;
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
    // A rename replaces a file already there with the same bytes: nothing is lost either way.
    keep: (spooledTo, sha256) => fs.promises.rename(spooledTo, pathOf(sha256)),
  };
}
