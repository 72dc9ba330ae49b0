import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { InvalidRequestError, PayloadTooLargeError } from '../errors/index.js';
import { MAX_DOC_METADATA_BYTES } from '../document/index.js';
import { declaredLength } from './content-length.js';
import { FilePart } from './file-part.js';
import { malformedMultipart, openMultipart, pipeForm, stopReadingForm } from './multipart-parser.js';
import type { UploadedFile } from '../usecases/index.js';

export interface MultipartUpload {
  readonly file: UploadedFile;
  /** Text fields this gateway reads (c, o, d), each given at most once; unknown fields are ignored. */
  readonly fields: ReadonlyMap<string, string>;
  /** Raw doc_metadata (text field or file part), not yet parsed. */
  readonly docMetadata: string | undefined;
}

const FILE_FIELD = 'file';
const METADATA_FIELDS = new Set(['doc_metadata', 'doc-metadata']);
const KEPT_FIELDS = new Set(['c', 'o', 'd']);

/** Structural limits: generous for real clients, small enough that a hostile form costs little. */
const LIMITS = { files: 8, fields: 64, parts: 72, headerPairs: 32, fieldNameSize: 256 } as const;

/**
 * Streams a multipart/form-data body through busboy. The file part is hashed as it arrives and
 * the read stops the moment it crosses maxFileBytes (413), so an oversized body is never read
 * to its end. A large file part is spooled to `spoolDir` (see FilePart); the caller removes it
 * with discardContent() when done. Every other failure is the client's (400); a client that goes
 * away rejects with ClientClosedError; on any failure nothing is kept.
 */
export function readMultipart(req: IncomingMessage, maxFileBytes: number, spoolDir: string): Promise<MultipartUpload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // busboy signals 'limit' when a file *reaches* fileSize: +1 lets a file of exactly
      // maxFileBytes through and still stops at the first byte beyond.
      parser = openMultipart(req, { ...LIMITS, fileSize: maxFileBytes + 1, fieldSize: MAX_DOC_METADATA_BYTES + 1 });
    } catch (err) {
      reject(err as Error);
      return;
    }
    new FormReader(req, parser, { maxFileBytes, spoolDir }, resolve, reject).start();
  });
}

/** One form being read: busboy's events in, one MultipartUpload (or one error) out. */
class FormReader {
  private settled = false;
  private part: FilePart | undefined;
  private file: Promise<UploadedFile> | undefined;
  private fileParts = 0;
  private docMetadata: string | undefined;
  private readonly fields = new Map<string, string>();

  constructor(
    private readonly req: IncomingMessage,
    private readonly parser: busboy.Busboy,
    private readonly limits: { readonly maxFileBytes: number; readonly spoolDir: string },
    private readonly resolve: (upload: MultipartUpload) => void,
    private readonly reject: (err: Error) => void,
  ) {}

  start(): void {
    const { parser, req } = this;
    const tooMany = (what: 'files' | 'fields' | 'parts') => () =>
      this.fail(new InvalidRequestError('TOO_MANY_PARTS', `too many ${what} in the form (at most ${LIMITS[what]})`));
    parser.on('file', (name, stream, info) => this.onFile(name, stream, info));
    parser.on('field', (name, value, info) => this.onField(name, value, info));
    parser.on('filesLimit', tooMany('files'));
    parser.on('fieldsLimit', tooMany('fields'));
    parser.on('partsLimit', tooMany('parts'));
    pipeForm(req, parser, this.fail, () => this.onClose());
  }

  /** Settles with `err` (once), drops what was received, and stops reading the body. */
  private readonly fail = (err: Error): void => {
    if (this.settled) return;
    this.settled = true;
    this.part?.discard();
    stopReadingForm(this.req, this.parser);
    this.reject(err);
  };

  private onFile(name: string, stream: Readable & { truncated?: boolean }, info: busboy.FileInfo): void {
    stream.on('error', (err: Error) => this.fail(malformedMultipart(err)));
    if (name === FILE_FIELD) this.readFilePart(stream, info);
    // Python requests sends doc_metadata as a file part; read it like the text field.
    else if (METADATA_FIELDS.has(name)) this.readMetadataPart(stream);
    else stream.resume();
  }

  private readFilePart(stream: Readable & { truncated?: boolean }, info: busboy.FileInfo): void {
    if (++this.fileParts > 1) {
      this.fail(new InvalidRequestError('TOO_MANY_PARTS', `exactly one file part named "${FILE_FIELD}" is allowed, got more than one`));
      return;
    }
    const { maxFileBytes, spoolDir } = this.limits;
    const hash = createHash('sha256');
    const body = (this.part = new FilePart(declaredLength(this.req), maxFileBytes + 1, spoolDir, this.fail));
    stream.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      if (!body.write(chunk)) {
        stream.pause();
        void body.drained().then(() => stream.resume());
      }
    });
    stream.on('limit', () => this.fail(new PayloadTooLargeError(`the file is larger than the limit of ${maxFileBytes} bytes (MAX_UPLOAD_BYTES)`)));
    stream.on('end', () => {
      if (stream.truncated) return;
      const sha256 = hash.digest('hex');
      this.file = body.finish().then((received) => ({ filename: info.filename ?? '', sha256, ...received }));
      this.file.catch(() => {}); // failures reach fail() through FilePart's onError
    });
  }

  private readMetadataPart(stream: Readable): void {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_DOC_METADATA_BYTES) {
        this.fail(metadataTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => {
      this.docMetadata = Buffer.concat(chunks).toString('utf8');
    });
  }

  private onField(name: string, value: string, info: busboy.FieldInfo): void {
    if (METADATA_FIELDS.has(name)) {
      if (info.valueTruncated || Buffer.byteLength(value) > MAX_DOC_METADATA_BYTES) this.fail(metadataTooLarge());
      else this.docMetadata = value;
    } else if (name === FILE_FIELD) {
      this.fail(new InvalidRequestError('MISSING_FILE', `the "${FILE_FIELD}" part has no filename; send it as a file (curl -F ${FILE_FIELD}=@path)`));
    } else if (KEPT_FIELDS.has(name)) {
      // A second value is refused rather than one of them silently winning (which corpus?).
      if (this.fields.has(name)) this.fail(new InvalidRequestError('INVALID_PARAMETER', `${name} must be given once; the form has it more than once`));
      else this.fields.set(name, value);
    }
  }

  /** The body is read: the form's answer once the file part is written out. */
  private onClose(): void {
    if (this.settled) return;
    if (!this.file) {
      this.fail(new InvalidRequestError('MISSING_FILE', `the form has no file part named "${FILE_FIELD}"`));
      return;
    }
    this.file.then(
      (received) => {
        if (this.settled) return;
        this.settled = true;
        this.resolve({ file: received, fields: this.fields, docMetadata: this.docMetadata });
      },
      (err: Error) => this.fail(err),
    );
  }
}

function metadataTooLarge(): PayloadTooLargeError {
  return new PayloadTooLargeError(`doc_metadata is larger than ${MAX_DOC_METADATA_BYTES} bytes`, 'METADATA_TOO_LARGE');
}
