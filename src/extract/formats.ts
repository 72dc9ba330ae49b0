import path from 'node:path';
import { InvalidRequestError, TypeMismatchError, UnsupportedTypeError } from '../errors/index.js';
import type { DocumentEncoding } from '../document/index.js';
import { imageKind, isOle2, isPdf, isZip, sniff, SUPPORTED_TYPES, type ImageKind } from './sniff.js';

export { SUPPORTED_TYPES };

/**
 * How an upload is read. Raw files (pdf, zip, ole2, text) get the filename as document id;
 * Document files carry their own.
 */
export type InputFormat =
  | { readonly name: 'document-binary' | 'document-text' | 'document-json'; readonly encoding: DocumentEncoding; readonly idFrom: 'document' }
  | { readonly name: 'pdf' | 'zip' | 'ole2' | 'text'; readonly idFrom: 'filename' }
  /** An image (by magic bytes): read by OCR in the worker, or refused there (415) when OCR is off. */
  | { readonly name: 'image'; readonly kind: ImageKind; readonly idFrom: 'filename' };

const DOCUMENT_FILES: Readonly<Record<string, InputFormat>> = {
  '.pb': { name: 'document-binary', encoding: 'binary', idFrom: 'document' },
  '.pbtxt': { name: 'document-text', encoding: 'text', idFrom: 'document' },
  '.json': { name: 'document-json', encoding: 'json', idFrom: 'document' },
  '.txt': { name: 'text', idFrom: 'filename' },
};

/** Extensions that promise a container type the content must match. */
const PROMISED = new Set(['.pdf', '.docx']);
/** Image extensions: a hint only (a JPEG named .png is read as a JPEG), but they promise an image. */
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.png', '.bmp', '.tif', '.tiff']);

/**
 * By content first — clients send application/octet-stream or nothing, and names lie — with
 * byte-prefix checks only (cheap on the event loop; all parsing happens in a worker). Then by
 * extension for the Document and text formats.
 */
export function detectFormat(filename: string, bytes: Uint8Array): InputFormat {
  if (bytes.length === 0) throw new InvalidRequestError('EMPTY_FILE', 'the file is empty (0 bytes)');
  if (isPdf(bytes)) return { name: 'pdf', idFrom: 'filename' };
  if (isZip(bytes)) return { name: 'zip', idFrom: 'filename' };
  if (isOle2(bytes)) return { name: 'ole2', idFrom: 'filename' };
  const extension = extensionOf(filename);
  const image = imageKind(bytes);
  if (image) {
    if (PROMISED.has(extension)) {
      const what = sniff(bytes);
      throw new TypeMismatchError(extension, what.mime, what.description);
    }
    return { name: 'image', kind: image, idFrom: 'filename' };
  }
  if (IMAGE_EXTENSIONS.has(extension)) {
    const what = sniff(bytes);
    throw new TypeMismatchError(extension, what.mime, what.description);
  }
  const format = DOCUMENT_FILES[extension];
  if (format) return format;
  const what = sniff(bytes);
  if (PROMISED.has(extension)) throw new TypeMismatchError(extension, what.mime, what.description);
  throw new UnsupportedTypeError(
    `unsupported file type ${extension === '' ? '(no extension)' : `"${extension}"`} (${what.description}); supported: ${SUPPORTED_TYPES.join(', ')}`,
    SUPPORTED_TYPES,
    what.mime,
  );
}

/** Lower-case extension of the last path segment; a URL's query and fragment are ignored. */
function extensionOf(filename: string): string {
  let name = filename;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(name)) {
    try {
      name = new URL(name).pathname;
    } catch {
      // not a parseable URL after all: use the name as it is
    }
  }
  return path.posix.extname(name.replace(/\\/g, '/')).toLowerCase();
}
