import { promisify } from 'node:util';
import zlib from 'node:zlib';

export type PackedEncoding = 'identity' | 'deflate';

/** A Document as it is stored: binary protobuf, deflated when large (see packDocument). */
export interface PackedDocument {
  readonly bytes: Uint8Array;
  readonly encoding: PackedEncoding;
}

/** Small Documents are stored as they are: compressing them saves little. */
const COMPRESS_ABOVE_BYTES = 16 * 1024;
/** A stored blob never inflates past this (a damaged row must not exhaust memory). */
const MAX_DOCUMENT_BYTES = 1024 * 1024 * 1024;

const inflateRaw = promisify(zlib.inflateRaw);

/**
 * Deflates a large encoded Document (raw deflate, level 1; text-heavy Documents shrink 3–5×).
 * Synchronous: it runs in the extraction worker that built the Document, so the event loop only
 * ever holds the packed form. Packing on the main thread (libuv's pool) meant holding the whole
 * Document there first: 8.8 MB for the bench's 10 MB text PDF, two at a time with two workers,
 * which was a third of the main thread's external memory at the bench's RSS peak and what drove
 * its garbage collections. A smaller blob also keeps the synchronous SQLite insert short (8.8 MB
 * unpacked took 19–47 ms of blocked event loop).
 */
export function packDocument(encoded: Uint8Array): PackedDocument {
  if (encoded.byteLength <= COMPRESS_ABOVE_BYTES) return { bytes: encoded, encoding: 'identity' };
  const deflated = zlib.deflateRawSync(encoded, { level: zlib.constants.Z_BEST_SPEED });
  // Incompressible content stays as it is.
  return deflated.byteLength < encoded.byteLength ? { bytes: deflated, encoding: 'deflate' } : { bytes: encoded, encoding: 'identity' };
}

/** The encoded Document back (inflating runs on libuv's pool, off the event loop). */
export async function unpackDocument({ bytes, encoding }: PackedDocument): Promise<Uint8Array> {
  if (encoding === 'identity') return bytes;
  const inflated = await inflateRaw(bytes, { maxOutputLength: MAX_DOCUMENT_BYTES });
  return new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
}
