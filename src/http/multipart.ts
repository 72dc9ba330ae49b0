import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { ClientClosedError, InvalidRequestError, PayloadTooLargeError } from '../errors/index.js';
import { MAX_DOC_METADATA_BYTES } from '../document/index.js';
import { declaredLength } from './content-length.js';
import { FilePart } from './file-part.js';
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
      parser = busboy({
        headers: req.headers,
        preservePath: true,
        defParamCharset: 'utf8',
        // busboy signals 'limit' when a file *reaches* fileSize: +1 lets a file of exactly
        // maxFileBytes through and still stops at the first byte beyond.
        limits: { ...LIMITS, fileSize: maxFileBytes + 1, fieldSize: MAX_DOC_METADATA_BYTES + 1 },
      });
    } catch (err) {
      reject(new InvalidRequestError('NOT_MULTIPART', `the body must be multipart/form-data (${(err as Error).message})`));
      return;
    }

    let settled = false;
    let part: FilePart | undefined;
    let file: Promise<UploadedFile> | undefined;
    let fileParts = 0;
    let docMetadata: string | undefined;
    const fields = new Map<string, string>();

    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      part?.discard();
      // Stop reading: the rest of the body is not wanted (the response closes the connection).
      req.unpipe(parser);
      req.pause();
      parser.removeAllListeners();
      parser.on('error', () => {});
      // Not synchronously: busboy still touches the file stream right after emitting 'limit'.
      setImmediate(() => parser.destroy());
      reject(err);
    };
    const tooMany = (what: string) => () =>
      fail(new InvalidRequestError('TOO_MANY_PARTS', `too many ${what} in the form (at most ${LIMITS[what as 'files' | 'fields' | 'parts']})`));

    parser.on('file', (name, stream, info) => {
      stream.on('error', (err: Error) => fail(new InvalidRequestError('MALFORMED_MULTIPART', `malformed multipart body: ${err.message}`)));
      if (name === FILE_FIELD) {
        if (++fileParts > 1) {
          fail(new InvalidRequestError('TOO_MANY_PARTS', `exactly one file part named "${FILE_FIELD}" is allowed, got more than one`));
          return;
        }
        const hash = createHash('sha256');
        const body = (part = new FilePart(declaredLength(req), maxFileBytes + 1, spoolDir, fail));
        stream.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          if (!body.write(chunk)) {
            stream.pause();
            void body.drained().then(() => stream.resume());
          }
        });
        stream.on('limit', () =>
          fail(new PayloadTooLargeError(`the file is larger than the limit of ${maxFileBytes} bytes (MAX_UPLOAD_BYTES)`)),
        );
        stream.on('end', () => {
          if (stream.truncated) return;
          const sha256 = hash.digest('hex');
          file = body.finish().then((received) => ({ filename: info.filename ?? '', sha256, ...received }));
          file.catch(() => {}); // failures reach fail() through FilePart's onError
        });
      } else if (METADATA_FIELDS.has(name)) {
        // Python requests sends doc_metadata as a file part; read it like the text field.
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_DOC_METADATA_BYTES) {
            fail(metadataTooLarge());
            return;
          }
          chunks.push(chunk);
        });
        stream.on('end', () => {
          docMetadata = Buffer.concat(chunks).toString('utf8');
        });
      } else {
        stream.resume();
      }
    });

    parser.on('field', (name, value, info) => {
      if (METADATA_FIELDS.has(name)) {
        if (info.valueTruncated || Buffer.byteLength(value) > MAX_DOC_METADATA_BYTES) fail(metadataTooLarge());
        else docMetadata = value;
      } else if (name === FILE_FIELD) {
        fail(new InvalidRequestError('MISSING_FILE', `the "${FILE_FIELD}" part has no filename; send it as a file (curl -F ${FILE_FIELD}=@path)`));
      } else if (KEPT_FIELDS.has(name)) {
        // A second value is refused rather than one of them silently winning (which corpus?).
        if (fields.has(name)) fail(new InvalidRequestError('INVALID_PARAMETER', `${name} must be given once; the form has it more than once`));
        else fields.set(name, value);
      }
    });

    parser.on('filesLimit', tooMany('files'));
    parser.on('fieldsLimit', tooMany('fields'));
    parser.on('partsLimit', tooMany('parts'));
    parser.on('error', (err: Error) => fail(new InvalidRequestError('MALFORMED_MULTIPART', `malformed multipart body: ${err.message}`)));
    parser.on('close', () => {
      if (settled) return;
      if (!file) {
        fail(new InvalidRequestError('MISSING_FILE', `the form has no file part named "${FILE_FIELD}"`));
        return;
      }
      file.then(
        (received) => {
          if (settled) return;
          settled = true;
          resolve({ file: received, fields, docMetadata });
        },
        (err: Error) => fail(err),
      );
    });

    req.on('close', () => {
      if (!req.complete) fail(new ClientClosedError());
    });
    req.pipe(parser);
  });
}

function metadataTooLarge(): PayloadTooLargeError {
  return new PayloadTooLargeError(`doc_metadata is larger than ${MAX_DOC_METADATA_BYTES} bytes`, 'METADATA_TOO_LARGE');
}
