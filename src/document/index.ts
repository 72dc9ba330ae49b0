export { DocumentSchema, SectionSchema, type Document, type Section } from './gen/indexing_pb.js';
export {
  decodeDocument,
  decodeStoredDocument,
  documentToJson,
  encodeDocument,
  MAX_SECTION_DEPTH,
  MAX_DOCUMENT_JSON_DEPTH,
  type DocumentEncoding,
} from './codecs.js';
export { normalizeDocumentId, MAX_DOCUMENT_ID_BYTES } from './document-id.js';
export { parseDocMetadata, parseMetadataJson, mergeMetadataJson, canonicalJson, isJsonObject, MAX_DOC_METADATA_BYTES, type JsonObject } from './metadata.js';
export { allSections, numberSections } from './sections.js';
export { packDocument, unpackDocument, type PackedDocument, type PackedEncoding } from './packed.js';
export { MAX_JSON_DEPTH, jsonNestingDepth, nestsTooDeep } from './json-depth.js';
