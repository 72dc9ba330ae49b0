import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { InvalidRequestError, PayloadTooLargeError } from '../errors/index.js';
import type { BatchFile } from '../usecases/index.js';
import { discardContent } from './file-part.js';
import { malformedMultipart, openMultipart, pipeForm, stopReadingForm } from './multipart-parser.js';

export interface BatchLimits {
  /** Per file (MAX_UPLOAD_BYTES). */
  readonly maxFileBytes: number;
  readonly maxFiles: number;
  /** All file parts together. */
  readonly maxBatchBytes: number;
  /** Every file part is written here as it arrives, never held whole in memory. */
  readonly spoolDir: string;
}

const FILES_FIELD = 'files';

/**
 * Reads a batch upload: every part named `files` is a file, streamed to a spool file of its own
 * with its SHA-256 computed on the way. All or nothing: a limit crossed (413, the moment it is
 * crossed), a part without filename or an empty file (400, naming the part), a broken body (400)
 * or a client gone removes every spool file of the request. Other parts are read and ignored.
 */
export function readBatchMultipart(req: IncomingMessage, limits: BatchLimits): Promise<BatchFile[]> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = openMultipart(req, { fileSize: limits.maxFileBytes + 1, parts: limits.maxFiles + 64, fields: 64, headerPairs: 32, fieldNameSize: 256 });
    } catch (err) {
      reject(err as Error);
      return;
    }
    new BatchReader(req, parser, limits, resolve, reject).start();
  });
}

/** One batch being read: busboy's events in, the files (or one error) out. */
class BatchReader {
  private settled = false;
  private parts = 0;
  private totalBytes = 0;
  private readonly files: Promise<BatchFile>[] = [];
  private readonly spooled: { file: string; out: fs.WriteStream }[] = [];

  constructor(
    private readonly req: IncomingMessage,
    private readonly parser: busboy.Busboy,
    private readonly limits: BatchLimits,
    private readonly resolve: (files: BatchFile[]) => void,
    private readonly reject: (err: Error) => void,
  ) {}

  start(): void {
    const { parser, req } = this;
    parser.on('file', (name, stream, info) => this.onFile(name, stream, info));
    parser.on('field', (name) => {
      this.parts += 1;
      if (name === FILES_FIELD) this.fail(new InvalidRequestError('MISSING_FILE', `part ${this.parts} ("${FILES_FIELD}") has no filename; send each file as a file part`));
    });
    parser.on('partsLimit', () => this.fail(tooLarge(`more than ${this.limits.maxFiles} files (MAX_BATCH_FILES)`)));
    parser.on('fieldsLimit', () => this.fail(new InvalidRequestError('TOO_MANY_PARTS', 'too many text fields in the form')));
    pipeForm(req, parser, this.fail, () => this.onClose());
  }

  /** Settles with `err` (once), removes every spool file, and stops reading the body. */
  private readonly fail = (err: Error): void => {
    if (this.settled) return;
    this.settled = true;
    stopReadingForm(this.req, this.parser);
    for (const { file, out } of this.spooled) discardContent({ spooledTo: file }, out); // once its stream is closed
    this.reject(err);
  };

  private onFile(name: string, stream: Readable & { truncated?: boolean }, info: busboy.FileInfo): void {
    this.parts += 1;
    stream.on('error', (err: Error) => this.fail(malformedMultipart(err)));
    if (name !== FILES_FIELD || this.settled) {
      stream.resume();
      return;
    }
    if (this.files.length >= this.limits.maxFiles) {
      stream.resume();
      this.fail(tooLarge(`more than ${this.limits.maxFiles} files (MAX_BATCH_FILES)`));
      return;
    }
    if (!info.filename) {
      stream.resume();
      this.fail(new InvalidRequestError('MISSING_FILE', `part ${this.parts} ("${FILES_FIELD}") has no filename`));
      return;
    }
    this.files.push(this.spool(stream, info.filename, this.parts));
  }

  /** Writes one part to its spool file, hashing and counting as it goes. */
  private spool(stream: Readable, filename: string, part: number): Promise<BatchFile> {
    const file = path.join(this.limits.spoolDir, `${randomUUID()}.batch`);
    const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 });
    this.spooled.push({ file, out });
    const hash = createHash('sha256');
    let size = 0;
    out.on('error', (err) => this.fail(err));
    stream.on('limit', () => this.fail(tooLarge(`file "${filename}" is larger than ${this.limits.maxFileBytes} bytes (MAX_UPLOAD_BYTES)`)));
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      this.totalBytes += chunk.length;
      if (this.totalBytes > this.limits.maxBatchBytes) {
        this.fail(tooLarge(`the files are larger than ${this.limits.maxBatchBytes} bytes together (MAX_BATCH_BYTES)`));
        return;
      }
      hash.update(chunk);
      if (!out.write(chunk)) {
        stream.pause();
        out.once('drain', () => stream.resume());
      }
    });
    const done = new Promise<BatchFile>((resolve, reject) => {
      stream.on('end', () => {
        out.end(() => {
          if (size === 0) reject(new InvalidRequestError('EMPTY_FILE', `part ${part} ("${FILES_FIELD}", file "${filename}") is empty`));
          else resolve({ filename, size, sha256: hash.digest('hex'), spooledTo: file });
        });
      });
    });
    done.catch(() => {}); // failures are reported through onClose
    return done;
  }

  /** The body is read: the batch once every file is written out. */
  private onClose(): void {
    if (this.settled) return;
    if (this.files.length === 0) {
      this.fail(new InvalidRequestError('MISSING_FILE', `the form has no file part named "${FILES_FIELD}"`));
      return;
    }
    Promise.all(this.files).then(
      (files) => {
        if (this.settled) return;
        this.settled = true;
        this.resolve(files);
      },
      (err: Error) => this.fail(err),
    );
  }
}

const tooLarge = (what: string) => new PayloadTooLargeError(`the batch is too large: ${what}`);
