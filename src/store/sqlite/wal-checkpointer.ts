import { Worker } from 'node:worker_threads';
import { once } from 'node:events';

/** The checkpoint thread's code, beside this file once compiled (tests running the .ts sources pass the built one). */
export const CHECKPOINT_WORKER_URL = new URL('./checkpoint-worker.js', import.meta.url);

/** How often the WAL size is looked at, and past which size a checkpoint runs. */
const INTERVAL_MS = 500;
const THRESHOLD_BYTES = 4 * 1024 * 1024;

/**
 * Checkpoints the WAL from a worker thread. With SQLite's automatic checkpoint, the commit that
 * pushes the WAL past 1,000 pages copies it into the database file inside that commit, on the
 * event loop: measured 64–89 ms for an 8.8 MB Document against 15–28 ms without (scripts/bench
 * extraction, 8 × 10 MB PDFs). The store turns automatic checkpoints off while this runs and back
 * on if the worker dies, so the WAL never grows without bound.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private stopped = false;

  constructor(file: string, onFailure: (why: string) => void, workerUrl: URL = CHECKPOINT_WORKER_URL) {
    this.worker = new Worker(workerUrl, { workerData: { file, intervalMs: INTERVAL_MS, thresholdBytes: THRESHOLD_BYTES } });
    // The thread must not keep a CLI command's process alive.
    this.worker.unref();
    this.worker.on('message', (m: { error?: string }) => {
      if (m.error) onFailure(`WAL checkpoint failed: ${m.error}`);
    });
    this.worker.on('error', (err) => onFailure(`WAL checkpoint thread failed: ${err.message}`));
    this.worker.on('exit', (code) => {
      if (!this.stopped) onFailure(`WAL checkpoint thread exited (${code})`);
    });
  }

  /** A last checkpoint, then the thread ends. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const exited = once(this.worker, 'exit');
    // Waiting for the last checkpoint must keep the process alive.
    this.worker.ref();
    this.worker.postMessage('stop');
    await exited;
  }
}
