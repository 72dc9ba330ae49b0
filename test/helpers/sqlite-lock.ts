import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Another process holding SQLite's write lock on a database file. */
export interface LockHolder {
  /** The holder still runs, so its lock is still held. */
  held(): boolean;
  /** Commits (releasing the lock) and waits for the holder to exit. */
  release(): Promise<void>;
}

// Run from the repository root, so that require('better-sqlite3') finds node_modules.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// Holds the lock until told to let go on stdin (or stdin closes), at most MAX_HOLD_MS.
const HOLDER_SCRIPT = `
const Database = require('better-sqlite3');
const db = new Database(process.env.DB_FILE);
db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\\n');
const release = () => {
  db.exec('COMMIT');
  db.close();
  process.exit(0);
};
process.stdin.on('data', release);
process.stdin.on('end', release);
setTimeout(release, Number(process.env.MAX_HOLD_MS));
`;

/**
 * Spawns a separate Node process that opens `dbFile` and takes the write lock (BEGIN IMMEDIATE)
 * until release(): what another gateway, a CLI command or a backup tool on the same file does.
 * Resolves once the lock is held. The lock goes after `maxHoldMs` in any case.
 */
export function holdWriteLock(dbFile: string, maxHoldMs = 20_000): Promise<LockHolder> {
  const child = spawn(process.execPath, ['-e', HOLDER_SCRIPT], {
    cwd: ROOT,
    env: { ...process.env, DB_FILE: dbFile, MAX_HOLD_MS: String(maxHoldMs) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let running = true;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve, reject) => {
    child.on('exit', (code) => {
      running = false;
      if (code === 0) resolve();
      else reject(new Error(`the lock holder exited with ${code}: ${stderr}`));
    });
  });
  const holder: LockHolder = {
    held: () => running,
    async release() {
      if (running) child.stdin.end('release\n');
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) resolve(holder);
    });
    exited.then(() => reject(new Error(`the lock holder ended before taking the lock: ${stderr}`)), reject);
  });
}
