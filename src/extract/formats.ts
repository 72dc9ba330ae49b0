import path from 'node:path';
import { InvalidRequestError, TypeMismatchError, UnsupportedTypeError } from '../errors/index.js';
import type { DocumentEncoding } from '../document/index.js';
import { imageKind, isEncryptedOffice, isOle2, isPdf, isRtf, isZip, looksLikeEmail, looksLikeHtml, sniff, SUPPORTED_TYPES, type ImageKind } from './sniff.js';

export { SUPPORTED_TYPES };

/** Raw files: the container or text format the bytes are, decided on the event loop by prefix checks. */
export type RawFormatName = 'pdf' | 'zip' | 'ole2' | 'text' | 'html' | 'markdown' | 'rtf' | 'email';

/**
 * How an upload is read. Raw files get the filename as document id; Document files carry their own.
 * `extension` is the name's hint: a ZIP or OLE2 container whose kind (found in the worker, from its
 * directory) disagrees with it is TYPE_MISMATCH.
 */
export type InputFormat =
  | { readonly name: 'document-binary' | 'document-text' | 'document-json'; readonly encoding: DocumentEncoding; readonly idFrom: 'document' }
  | { readonly name: RawFormatName; readonly idFrom: 'filename'; readonly extension: string }
  /** An image (by magic bytes): read by OCR in the worker, or refused there (415) when OCR is off. */
  | { readonly name: 'image'; readonly kind: ImageKind; readonly idFrom: 'filename' };

const DOCUMENT_FILES: Readonly<Record<string, InputFormat>> = {
  '.pb': { name: 'document-binary', encoding: 'binary', idFrom: 'document' },
  '.pbtxt': { name: 'document-text', encoding: 'text', idFrom: 'document' },
  '.json': { name: 'document-json', encoding: 'json', idFrom: 'document' },
};

/** Text formats named by their extension (their content has no magic number to go by). */
const TEXT_FORMATS: Readonly<Record<string, RawFormatName>> = {
  '.txt': 'text',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.lxml': 'html',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.eml': 'email',
};

/** Extensions that promise a container the content must be (TYPE_MISMATCH otherwise). */
const PROMISED: Readonly<Record<string, 'pdf' | 'zip' | 'ole2' | 'rtf'>> = {
  '.pdf': 'pdf',
  '.docx': 'zip',
  '.pptx': 'zip',
  '.odt': 'zip',
  '.epub': 'zip',
  '.doc': 'ole2',
  '.ppt': 'ole2',
  '.rtf': 'rtf',
};
/** Image extensions: a hint only (a JPEG named .png is read as a JPEG), but they promise an image. */
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.png', '.bmp', '.tif', '.tiff']);

/**
 * By content first — clients send application/octet-stream or nothing, and names lie — with
 * byte-prefix checks only (cheap on the event loop; all parsing happens in a worker). Then by
 * extension for the Document and text formats, then text content that shows what it is (an HTML
 * page, an e-mail's header block).
 */
export function detectFormat(filename: string, bytes: Uint8Array): InputFormat {
  if (bytes.length === 0) throw new InvalidRequestError('EMPTY_FILE', 'the file is empty (0 bytes)');
  const extension = extensionOf(filename);
  const raw = (name: RawFormatName): InputFormat => ({ name, idFrom: 'filename', extension });
  const container = containerOf(bytes);
  const promised = PROMISED[extension];
  if (container) {
    // A password-protected docx/pptx is an OLE2 container holding the encrypted package: the worker says ENCRYPTED.
    const encryptedOoxml = container === 'ole2' && promised === 'zip' && isEncryptedOffice(bytes);
    if (promised && promised !== container && !encryptedOoxml) throw mismatch(extension, bytes);
    return raw(container);
  }
  const image = imageKind(bytes);
  if (image) {
    if (promised) throw mismatch(extension, bytes);
    return { name: 'image', kind: image, idFrom: 'filename' };
  }
  if (promised || IMAGE_EXTENSIONS.has(extension)) throw mismatch(extension, bytes);
  const byName = DOCUMENT_FILES[extension] ?? (TEXT_FORMATS[extension] ? raw(TEXT_FORMATS[extension]) : undefined);
  if (byName) return byName;
  if (looksLikeHtml(bytes)) return raw('html');
  if (looksLikeEmail(bytes)) return raw('email');
  const what = sniff(bytes);
  throw new UnsupportedTypeError(
    `unsupported file type ${extension === '' ? '(no extension)' : `"${extension}"`} (${what.description}); supported: ${SUPPORTED_TYPES.join(', ')}`,
    SUPPORTED_TYPES,
    what.mime,
  );
}

function containerOf(bytes: Uint8Array): 'pdf' | 'zip' | 'ole2' | 'rtf' | null {
  if (isPdf(bytes)) return 'pdf';
  if (isZip(bytes)) return 'zip';
  if (isOle2(bytes)) return 'ole2';
  if (isRtf(bytes)) return 'rtf';
  return null;
}

function mismatch(extension: string, bytes: Uint8Array): TypeMismatchError {
  const what = sniff(bytes);
  return new TypeMismatchError(extension, what.mime, what.description);
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
