import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { clone, create } from '@bufbuild/protobuf';
import { InvalidRequestError } from '../errors/index.js';
import {
  decodeDocument,
  DocumentSchema,
  encodeDocument,
  allSections,
  canonicalJson,
  mergeMetadataJson,
  normalizeDocumentId,
  parseMetadataJson,
  numberSections,
  packDocument,
  SectionSchema,
  type Document,
  type JsonObject,
  type PackedDocument,
  type Section,
} from '../document/index.js';
import { computeCharge, type Charge } from '../quota/index.js';
import type { DraftDocument, DraftSection } from './draft.js';
import type { InputFormat } from './formats.js';
import { extractImage } from './ocr/image.js';
import { OCR_OFF } from './ocr/options.js';
import { extractRaw } from './extract-raw.js';
import type { ParseOptions } from './parse-options.js';
import type { ExtractionWarning } from './text-normalize.js';

/**
 * Where an upload's bytes are: in memory, or (a large file) spooled to a file on disk that an
 * extraction worker reads.
 */
export type FileContent =
  | {
      readonly bytes: Uint8Array;
      /** The bytes' ArrayBuffer is theirs alone: extraction moves it to its worker instead of copying. */
      readonly ownsBuffer?: boolean;
    }
  | { readonly spooledTo: string };

/** What a worker is given: plain data, structured-clonable. */
export interface ExtractionTask {
  readonly format: InputFormat;
  /** The upload: its bytes, or the spool file they were written to (read here, in the worker). */
  readonly source: FileContent;
  /** SHA-256 (hex) of the upload, hashed as it arrived: the Document's metadata names it. */
  readonly sha256: string;
  /** Raw files: the (validated) filename, which is the document id. */
  readonly filenameId: string | null;
  readonly docMetadata: JsonObject | undefined;
}

/** What a worker returns: the Document ready to store, and what it costs. */
export interface BuiltDocument {
  readonly documentId: string;
  /** Binary com.vectara.indexing.Document, packed for storage (deflated when large). */
  readonly document: PackedDocument;
  readonly charge: Charge;
  readonly warnings: readonly ExtractionWarning[];
  /** What the content turned out to be: pdf, docx, text or a Document encoding. */
  readonly detectedType: string;
  /** The stored Document's title and metadata_json (kept beside it for listing and filtering). */
  readonly title: string;
  readonly metadataJson: string;
  /** What did the parse, with its version where a library did it ("pdfjs-dist@5.5.207"). */
  readonly extractor: string;
  /** Time the parse took in the worker (queueing not included). */
  readonly extractionMs: number;
  /**
   * Document uploads (.pb, .pbtxt, .json): SHA-256 of the Document as uploaded, in canonical form
   * (binary, fields in number order, every metadata_json as canonical JSON), so that the same
   * Document in any encoding is the same upload. Raw files: undefined (their bytes identify them).
   */
  readonly canonicalSha256?: string;
}

/**
 * The whole parse of one upload, run inside an extraction worker: bytes in, the encoded Document
 * and its charge out, so the event loop never parses anything.
 */
export async function buildDocument(task: ExtractionTask, options: ParseOptions = { pdfEngine: 'auto' }): Promise<BuiltDocument> {
  const { format, source } = task;
  const started = performance.now();
  const bytes = 'bytes' in source ? source.bytes : asUint8Array(await readFile(source.spooledTo));
  let extractor: string = `corpusgate/${format.name}`;
  let document: Document;
  let warnings: readonly ExtractionWarning[] = [];
  let detectedType: string = format.name;
  let canonicalSha256: string | undefined;
  if (format.idFrom === 'document') {
    document = decodeDocument(format.encoding, bytes);
    document.documentId = normalizeDocumentId(document.documentId, "the Document's document_id");
    canonicalSha256 = canonicalDocumentSha256(document);
  } else {
    const { type, draft } =
      format.name === 'image'
        ? { type: 'image', draft: await extractImage(bytes, format.kind, task.sha256, options.ocr ?? OCR_OFF) }
        : await extractRaw(format.name, bytes, { sha256: task.sha256, extension: format.extension, options, depth: 0 });
    detectedType = type;
    document = fromDraft(draft, task.filenameId ?? '');
    warnings = draft.warnings;
    if (typeof draft.metadata['extractor'] === 'string') extractor = draft.metadata['extractor'];
  }
  document.metadataJson = mergeMetadataJson(document.metadataJson, task.docMetadata, "the Document's");
  numberSections(document);
  if (document.section.length === 0) {
    throw new InvalidRequestError('INVALID_DOCUMENT', 'the Document has no sections: there is nothing to index');
  }
  return {
    documentId: document.documentId,
    document: packDocument(encodeDocument(document)),
    charge: computeCharge(document),
    warnings,
    detectedType,
    title: document.title,
    metadataJson: document.metadataJson,
    extractor,
    extractionMs: performance.now() - started,
    ...(canonicalSha256 !== undefined ? { canonicalSha256 } : {}),
  };
}

/**
 * See BuiltDocument.canonicalSha256. Every metadata_json is checked on the way (a JSON object,
 * nested at most 64 deep: INVALID_DOCUMENT otherwise) and hashed in canonical form.
 */
function canonicalDocumentSha256(document: Document): string {
  const copy = clone(DocumentSchema, document);
  const canonical = (json: string, where: string) => {
    const parsed = parseMetadataJson(json, where);
    return parsed === null ? '' : canonicalJson(parsed);
  };
  copy.metadataJson = canonical(copy.metadataJson, "the Document's");
  allSections(copy).forEach((section, i) => {
    section.metadataJson = canonical(section.metadataJson, `section ${section.id || i + 1}'s`);
  });
  return createHash('sha256').update(encodeDocument(copy)).digest('hex');
}

/** A plain Uint8Array view (pdf.js refuses Buffers). */
const asUint8Array = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

function fromDraft(draft: DraftDocument, documentId: string): Document {
  const toSection = (s: DraftSection): Section =>
    create(SectionSchema, {
      title: s.title,
      text: s.text,
      metadataJson: Object.keys(s.metadata).length > 0 ? JSON.stringify(s.metadata) : '',
      section: s.children.map(toSection),
    });
  return create(DocumentSchema, {
    documentId,
    title: draft.title,
    metadataJson: Object.keys(draft.metadata).length > 0 ? JSON.stringify(draft.metadata) : '',
    section: draft.sections.map(toSection),
  });
}
