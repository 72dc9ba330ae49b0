import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/**
 * Runs in its own thread with its own connection: copies the WAL back into the database file
 * (PRAGMA wal_checkpoint(PASSIVE)) whenever the WAL has grown past a threshold. PASSIVE never
 * waits for or blocks the writer, so the event loop's inserts stay short.
 */
const { file, intervalMs, thresholdBytes } = workerData as { file: string; intervalMs: number; thresholdBytes: number };
const db = new Database(file);
db.pragma('busy_timeout = 5000');

function walBytes(): number {
  try {
    return fs.statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}

function checkpoint(): void {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
}

const timer = setInterval(() => {
  if (walBytes() > thresholdBytes) checkpoint();
}, intervalMs);

parentPort?.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort?.close();
});
