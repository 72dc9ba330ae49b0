import { promisify } from 'node:util';
import zlib from 'node:zlib';

export type BlobEncoding = 'identity' | 'deflate';

/** Small Documents are stored as they are: compressing them saves little. */
const COMPRESS_ABOVE_BYTES = 16 * 1024;
/** A stored blob never inflates past this (a damaged row must not exhaust memory). */
const MAX_DOCUMENT_BYTES = 1024 * 1024 * 1024;

const deflateRaw = promisify(zlib.deflateRaw);
const inflateRaw = promisify(zlib.inflateRaw);

/**
 * Large Documents are stored deflated. The compression runs on libuv's thread pool, not the event
 * loop, and shrinks what the synchronous SQLite insert has to write: an 8.8 MB Document took
 * 19–47 ms of blocked event loop to insert as it was (scripts/bench-extraction.ts, memory phase).
 * Text-heavy Documents deflate 3–5× at level 1.
 */
export async function packDocument(bytes: Uint8Array): Promise<{ blob: Buffer; encoding: BlobEncoding }> {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength <= COMPRESS_ABOVE_BYTES) return { blob: view, encoding: 'identity' };
  const deflated = await deflateRaw(view, { level: zlib.constants.Z_BEST_SPEED });
  // Incompressible content stays as it is.
  return deflated.length < view.length ? { blob: deflated, encoding: 'deflate' } : { blob: view, encoding: 'identity' };
}

export async function unpackDocument(blob: Buffer, encoding: BlobEncoding): Promise<Uint8Array> {
  const bytes = encoding === 'deflate' ? await inflateRaw(blob, { maxOutputLength: MAX_DOCUMENT_BYTES }) : blob;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
