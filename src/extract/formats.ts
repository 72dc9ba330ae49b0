import path from 'node:path';
import { UnsupportedTypeError } from '../errors/index.js';
import type { DocumentEncoding } from '../document/index.js';

/**
 * The input formats corpusgate reads. Document files already are a com.vectara.indexing.Document
 * and carry their own id; raw files get the upload's filename as id.
 */
export type InputFormat =
  | { readonly name: 'document-binary' | 'document-text' | 'document-json'; readonly encoding: DocumentEncoding; readonly idFrom: 'document' }
  | { readonly name: 'text'; readonly idFrom: 'filename' };

const BY_EXTENSION: Readonly<Record<string, InputFormat>> = {
  '.pb': { name: 'document-binary', encoding: 'binary', idFrom: 'document' },
  '.pbtxt': { name: 'document-text', encoding: 'text', idFrom: 'document' },
  '.json': { name: 'document-json', encoding: 'json', idFrom: 'document' },
  '.txt': { name: 'text', idFrom: 'filename' },
};

export const SUPPORTED_TYPES: readonly string[] = [
  '.pb (binary com.vectara.indexing.Document)',
  '.pbtxt (Document in protobuf text format)',
  '.json (Document in proto3 JSON)',
  '.txt (UTF-8 text)',
];

export function detectFormat(filename: string): InputFormat {
  const extension = extensionOf(filename);
  const format = BY_EXTENSION[extension];
  if (!format) {
    throw new UnsupportedTypeError(
      `unsupported file type ${extension === '' ? '(no extension)' : `"${extension}"`}; supported: ${SUPPORTED_TYPES.join(', ')}`,
      SUPPORTED_TYPES,
    );
  }
  return format;
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
