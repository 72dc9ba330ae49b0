import { fromBinary, fromJson, toBinary, toJson, type JsonValue } from '@bufbuild/protobuf';
import { fromText } from '@bufbuild/protobuf/txtpb';
import { DocumentSchema, type Document } from './gen/indexing_pb.js';
import { InvalidRequestError } from '../errors/index.js';
import { nestsTooDeep } from './json-depth.js';

export type DocumentEncoding = 'binary' | 'text' | 'json';

/** Deeper nesting than this is refused: no real document needs it, and recursion has a cost. */
export const MAX_SECTION_DEPTH = 64;

/**
 * JSON nesting a Document may need: each section level is two (the section object and its
 * `section` array), plus the Document itself and a wrapping request body (`{"document": …}`).
 * Deeper JSON is refused before it is parsed.
 */
export const MAX_DOCUMENT_JSON_DEPTH = 2 * MAX_SECTION_DEPTH + 3;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Decodes an uploaded com.vectara.indexing.Document. Any failure is the client's (400) and the
 * message says why, e.g. "invalid .pbtxt Document: syntax error at 3:7".
 */
export function decodeDocument(encoding: DocumentEncoding, bytes: Uint8Array): Document {
  let document: Document;
  try {
    switch (encoding) {
      case 'binary':
        // Unknown fields are dropped so that only Document fields are ever stored.
        document = fromBinary(DocumentSchema, bytes, { readUnknownFields: false });
        break;
      case 'text':
        document = fromText(DocumentSchema, utf8.decode(bytes), { recursionLimit: MAX_SECTION_DEPTH + 1 });
        break;
      case 'json':
        if (nestsTooDeep(bytes, MAX_DOCUMENT_JSON_DEPTH)) throw new Error(`the JSON nests deeper than ${MAX_DOCUMENT_JSON_DEPTH} levels`);
        // proto3 JSON accepts both the field name (document_id) and the JSON name (documentId).
        document = fromJson(DocumentSchema, JSON.parse(utf8.decode(bytes)) as JsonValue);
        break;
    }
  } catch (err) {
    throw new InvalidRequestError('INVALID_DOCUMENT', `invalid ${EXTENSION[encoding]} Document: ${reason(err)}`);
  }
  const depth = sectionDepth(document.section);
  if (depth > MAX_SECTION_DEPTH) {
    throw new InvalidRequestError(
      'INVALID_DOCUMENT',
      `invalid ${EXTENSION[encoding]} Document: sections nest ${depth} deep, at most ${MAX_SECTION_DEPTH} allowed`,
    );
  }
  return document;
}

const EXTENSION: Record<DocumentEncoding, string> = { binary: '.pb', text: '.pbtxt', json: '.json' };

function reason(err: unknown): string {
  if (err instanceof RangeError && /call stack/i.test(err.message)) return 'sections nest too deep';
  return err instanceof Error ? err.message : String(err);
}

function sectionDepth(sections: Document['section'], depth = 1): number {
  let max = sections.length > 0 ? depth : depth - 1;
  for (const s of sections) {
    // Stop descending once the limit is passed; the exact depth no longer matters.
    if (max > MAX_SECTION_DEPTH) return max;
    max = Math.max(max, sectionDepth(s.section, depth + 1));
  }
  return max;
}

export function encodeDocument(document: Document): Uint8Array {
  return toBinary(DocumentSchema, document);
}

export function decodeStoredDocument(bytes: Uint8Array): Document {
  return fromBinary(DocumentSchema, bytes);
}

export function documentToJson(document: Document): JsonValue {
  return toJson(DocumentSchema, document);
}
