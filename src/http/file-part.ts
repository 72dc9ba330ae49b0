import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FileContent } from '../extract/index.js';
import { ByteCollector } from './byte-collector.js';

/** A file part larger than this goes to disk (the spool) instead of staying in memory. */
export const SPOOL_AFTER_BYTES = 1024 * 1024;
/** What stays in memory of a spooled file: type detection reads only its first bytes. */
export const HEAD_BYTES = 64 * 1024;

interface Spool {
  readonly file: string;
  readonly stream: fs.WriteStream;
  /** A copy of the first HEAD_BYTES. */
  readonly head: Buffer;
}

export interface ReceivedFile {
  readonly size: number;
  readonly head: Uint8Array;
  readonly content: FileContent;
}

/**
 * Receives one uploaded file part. Up to SPOOL_AFTER_BYTES it is gathered in memory; beyond, it
 * is written to a file of its own in the spool directory, which an extraction worker reads.
 * Uploads waiting for a worker (up to EXTRACT_QUEUE_MAX of them, 10 MB each) then cost disk, not
 * the gateway's memory: the bench's 8 concurrent 10 MB PDFs held ~80 MB more RSS without it, and
 * every large body the main thread allocates also brings V8's external-memory GCs onto it.
 */
export class FilePart {
  #memory: ByteCollector | null;
  #spool: Spool | null = null;
  #size = 0;
  #failed: Error | null = null;

  /**
   * `expected`: the most the part can be (the Content-Length), when known; `max`: it never gets
   * more bytes than this. `onError`: writing the spool file failed (the upload cannot go on).
   */
  constructor(
    expected: number | undefined,
    max: number,
    private readonly spoolDir: string,
    private readonly onError: (err: Error) => void,
  ) {
    this.#memory = new ByteCollector(expected, Math.min(max, SPOOL_AFTER_BYTES));
  }

  /** Takes one chunk; false when the caller should wait for `drained()` before the next. */
  write(chunk: Buffer): boolean {
    this.#size += chunk.length;
    if (this.#memory && this.#memory.size + chunk.length <= SPOOL_AFTER_BYTES) {
      this.#memory.push(chunk);
      return true;
    }
    return this.#spooled().stream.write(chunk);
  }

  /** Resolves when the spool file can take more. */
  drained(): Promise<void> {
    return new Promise((resolve) => (this.#spool ? this.#spool.stream.once('drain', resolve) : resolve()));
  }

  /** The whole part, once its last chunk has been written. */
  async finish(): Promise<ReceivedFile> {
    if (this.#memory) {
      const bytes = this.#memory.bytes();
      return { size: this.#size, head: bytes.subarray(0, HEAD_BYTES), content: { bytes, ownsBuffer: true } };
    }
    const { file, stream, head } = this.#spooled();
    await new Promise<void>((resolve, reject) => {
      if (this.#failed) reject(this.#failed);
      else stream.end(() => (this.#failed ? reject(this.#failed) : resolve()));
    });
    return { size: this.#size, head, content: { spooledTo: file } };
  }

  /** Drops what was received (a failed or finished upload): the spool file is removed. */
  discard(): void {
    this.#memory = null;
    if (this.#spool) discardContent({ spooledTo: this.#spool.file }, this.#spool.stream);
  }

  /** Moves what is in memory to a new spool file, the first time a chunk does not fit. */
  #spooled(): Spool {
    if (this.#spool) return this.#spool;
    const held = this.#memory?.bytes() ?? Buffer.alloc(0);
    const file = path.join(this.spoolDir, `${randomUUID()}.upload`);
    const stream = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 });
    stream.on('error', (err) => {
      this.#failed = err;
      this.onError(err);
    });
    this.#spool = { file, stream, head: Buffer.from(held.subarray(0, HEAD_BYTES)) };
    this.#memory = null;
    stream.write(held);
    return this.#spool;
  }
}

/** Removes a spooled upload's file (nothing to do for one in memory). Never throws. */
export function discardContent(content: FileContent, stream?: fs.WriteStream): void {
  if (!('spooledTo' in content)) return;
  const remove = () => fs.rm(content.spooledTo, { force: true }, () => {});
  if (stream && !stream.closed) {
    stream.once('close', remove);
    stream.destroy();
  } else {
    remove();
  }
}

/**
 * This process's spool directory, new and empty: `root/<pid>-<random>`. Directories left by
 * processes that are gone (stopped mid-upload) are removed; those of live processes sharing the
 * data directory are left alone.
 */
export function prepareSpoolDir(root: string): string {
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  for (const entry of fs.readdirSync(root)) {
    const pid = Number(/^(\d+)-/.exec(entry)?.[1]);
    if (!Number.isSafeInteger(pid) || !isAlive(pid)) fs.rmSync(path.join(root, entry), { recursive: true, force: true });
  }
  const dir = path.join(root, `${process.pid}-${randomUUID().slice(0, 8)}`);
  fs.mkdirSync(dir, { mode: 0o700 });
  return dir;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}
