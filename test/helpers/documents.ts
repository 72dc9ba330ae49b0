import { create, toBinary, toJson } from '@bufbuild/protobuf';
import { toText } from '@bufbuild/protobuf/txtpb';
import { DocumentSchema, SectionSchema, type Document } from '../../src/document/index.js';

export function sampleDocument(documentId = 'doc-1', overrides: Partial<Pick<Document, 'title' | 'metadataJson'>> = {}): Document {
  return create(DocumentSchema, {
    documentId,
    title: overrides.title ?? 'A title',
    metadataJson: overrides.metadataJson ?? '{"lang":"en"}',
    section: [
      create(SectionSchema, {
        title: 'Intro',
        text: 'First section text.',
        section: [create(SectionSchema, { text: 'Nested text.', metadataJson: '{"page":1}' })],
      }),
      create(SectionSchema, { text: 'Second section.' }),
    ],
  });
}

export const asBinary = (d: Document): Buffer => Buffer.from(toBinary(DocumentSchema, d));
export const asText = (d: Document): Buffer => Buffer.from(toText(DocumentSchema, d));
/** proto3 JSON; `protoNames` uses document_id instead of documentId. */
export const asJson = (d: Document, protoNames = false): Buffer =>
  Buffer.from(JSON.stringify(toJson(DocumentSchema, d, { useProtoFieldName: protoNames })));
