import request from 'supertest';
import { create } from '@bufbuild/protobuf';
import { DocumentSchema, SectionSchema, type Section } from '../src/document/index.js';
import { CORPUS, CUSTOMER, useGateway } from './helpers/gateway.js';
import { asBinary, asJson, asText, sampleDocument } from './helpers/documents.js';
import { filePart, multipart, type RawPart } from './helpers/multipart.js';

const gw = useGateway({ scope: 'each' });
let token: string;
const url = `/v1/upload?c=${CUSTOMER}&o=${CORPUS}`;

beforeEach(async () => {
  token = await gw.token();
});

function sendRaw(parts: RawPart[], path = url) {
  const { body, contentType } = multipart(parts);
  return request(gw.app).post(path).set('Authorization', `Bearer ${token}`).set('Content-Type', contentType).send(body);
}
const stored = (documentId: string, corpusId = CORPUS) => gw.store.findDocument({ customerId: CUSTOMER, corpusId, documentId });

describe('Document files (.pb, .pbtxt, .json)', () => {
  it('stores the same bytes for the same Document in every encoding', async () => {
    const doc = sampleDocument('same-everywhere');
    const encodings: [string, Buffer][] = [
      ['doc.pb', asBinary(doc)],
      ['doc.pbtxt', asText(doc)],
      ['doc.json', asJson(doc)],
      ['doc.JSON', asJson(doc, true)], // document_id spelling, upper-case extension
    ];
    const blobs: Buffer[] = [];
    for (const [i, [name, bytes]] of encodings.entries()) {
      const corpusId = String(200 + i);
      await gw.store.createCorpus({ customerId: CUSTOMER, corpusId, name: `c${i}` });
      const res = await sendRaw([filePart(name, bytes)], `/v1/upload?c=${CUSTOMER}&o=${corpusId}`);
      expect(res.status).toBe(200);
      blobs.push(Buffer.from((await gw.store.getDocument({ customerId: CUSTOMER, corpusId, documentId: 'same-everywhere' }))!));
    }
    expect(blobs[0]!.length).toBeGreaterThan(0);
    for (const blob of blobs) expect(blob.equals(blobs[0]!)).toBe(true);
  });

  it('is one upload in any encoding: the same Document as .json, .pb and .pbtxt replays; other content is 409', async () => {
    const doc = sampleDocument('one-document', { metadataJson: '{"lang":"en","year":2020}' });
    const first = await sendRaw([filePart('first.json', asJson(doc))]);
    expect(first.status).toBe(200);
    expect(first.body.response.status.code).toBeUndefined();
    for (const [name, bytes] of [['again.pb', asBinary(doc)], ['again.pbtxt', asText(doc)], ['again.json', asJson(doc, true)]] as const) {
      const res = await sendRaw([filePart(name, bytes)]);
      expect({ name, status: res.status, code: res.body.response?.status?.code }).toEqual({ name, status: 200, code: 'ALREADY_EXISTS' });
    }
    // Key order inside metadata_json is not content.
    const reordered = sampleDocument('one-document', { metadataJson: '{"year":2020,  "lang":"en"}' });
    expect((await sendRaw([filePart('reordered.pb', asBinary(reordered))])).body.response.status.code).toBe('ALREADY_EXISTS');
    // Through /v1/index too.
    const indexed = await request(gw.app)
      .post('/v1/index')
      .set('Authorization', `Bearer ${token}`)
      .set('customer-id', CUSTOMER)
      .send({ customerId: CUSTOMER, corpusId: CORPUS, document: JSON.parse(asJson(doc).toString()) });
    expect(indexed.status).toBe(200);
    expect(indexed.body.status?.code ?? indexed.body.response?.status?.code).toBe('ALREADY_EXISTS');
    const changed = sampleDocument('one-document', { title: 'Another title' });
    const conflict = await sendRaw([filePart('changed.pbtxt', asText(changed))]);
    expect(conflict.status).toBe(409);
    expect((await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS }))!.usedDocs).toBe(1);
  });

  it.each([
    ['binary garbage as .pb', 'bad.pb', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), 'invalid .pb Document'],
    ['a syntax error in .pbtxt', 'bad.pbtxt', Buffer.from('document_id: "x"\nsection { text: }\n'), 'invalid .pbtxt Document'],
    ['an unknown field in .pbtxt', 'bad.pbtxt', Buffer.from('document_id: "x" colour: "red"'), 'invalid .pbtxt Document'],
    ['invalid JSON', 'bad.json', Buffer.from('{"documentId": '), 'invalid .json Document'],
    ['an unknown JSON key', 'bad.json', Buffer.from('{"documentId":"x","colour":"red"}'), 'invalid .json Document'],
    ['a JSON array', 'bad.json', Buffer.from('[]'), 'invalid .json Document'],
  ])('answers 400 saying why for %s', async (_name, filename, bytes, details) => {
    const res = await sendRaw([filePart(filename, bytes)]);
    expect(res.status).toBe(400);
    expect(res.body.internalCode).toBe('INVALID_DOCUMENT');
    expect(res.body.details).toContain(details);
  });

  it('answers 400 for a Document without document_id', async () => {
    const res = await sendRaw([filePart('noid.json', '{"section":[{"text":"t"}]}')]);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ internalCode: 'INVALID_DOCUMENT_ID' });
    expect(res.body.details).toContain('document_id');
  });

  it('answers 400 for a Document whose metadata_json is not a JSON object', async () => {
    const res = await sendRaw([filePart('m.json', '{"documentId":"m","metadataJson":"[1]","section":[{"text":"t"}]}')]);
    expect(res.status).toBe(400);
    expect(res.body.details).toContain('metadata_json must be a JSON object');
  });

  it('answers 400 for sections nested absurdly deep, as a hostile file would', async () => {
    // Past the depth limit, and deep enough (built by hand) to overflow a naive recursive decoder.
    for (const depth of [100, 20_000]) {
      const res = await sendRaw([filePart('deep.pb', nestedSections(depth))]);
      expect(res.status).toBe(400);
      expect(res.body.internalCode).toBe('INVALID_DOCUMENT');
      expect(res.body.details).toMatch(/nest|recursion depth/);
    }
    let section: Section = create(SectionSchema, { text: 'leaf' });
    for (let i = 0; i < 60; i++) section = create(SectionSchema, { text: `level ${i}`, section: [section] });
    const allowed = await sendRaw([filePart('ok-deep.pb', asBinary(create(DocumentSchema, { documentId: 'ok-deep', section: [section] })))]);
    expect(allowed.status).toBe(200);
  });

  it('keeps section ids that are set and unique, renumbers otherwise', async () => {
    const keep = await sendRaw([filePart('k.json', '{"documentId":"k","section":[{"id":7,"text":"a"},{"id":9,"text":"b"}]}')], `${url}&d=true`);
    expect(keep.body.document.section.map((s: { id: number }) => s.id)).toEqual([7, 9]);
    const dup = await sendRaw([filePart('r.json', '{"documentId":"r","section":[{"id":2,"text":"a"},{"id":2,"text":"b"}]}')], `${url}&d=true`);
    expect(dup.body.document.section.map((s: { id: number }) => s.id)).toEqual([1, 2]);
  });
});

describe('document ids from filenames', () => {
  const composed = 'Ünïcødé 文件';
  const decomposed = composed.normalize('NFD');

  it('decodes UTF-8 filenames and stores the id NFC-normalised', async () => {
    expect(decomposed).not.toBe(composed);
    const res = await sendRaw([filePart(`${decomposed}.txt`, 'unicode')]);
    expect(res.status).toBe(200);
    expect(await stored(`${composed}.txt`)).not.toBeNull();
    // The composed spelling is the same document: a replay, not a second one.
    const again = await sendRaw([filePart(`${composed}.txt`, 'unicode')]);
    expect(again.body.response.status.code).toBe('ALREADY_EXISTS');
  });

  it('NFC-normalises a Document\'s own id and reads a decomposed UTF-8 .pb filename', async () => {
    const res = await sendRaw([filePart(`${decomposed}.pb`, asBinary(sampleDocument(decomposed)))]);
    expect(res.status).toBe(200);
    expect(await stored(composed)).not.toBeNull();
  });

  it('honours filename* (RFC 5987)', async () => {
    const name = 'résumé 履歴書.txt';
    const res = await sendRaw([
      { disposition: `form-data; name="file"; filename*=UTF-8''${encodeURIComponent(name)}`, content: 'star', contentType: 'text/plain' },
    ]);
    expect(res.status).toBe(200);
    expect(await stored(name)).not.toBeNull();
  });

  it.each([
    ['a Windows path', 'C:\\Users\\me\\report.txt'],
    ['a POSIX path', '/srv/docs/2024/report.txt'],
    ['a URL', 'https://example.com/wiki/Page.txt?rev=3#top'],
  ])('keeps %s whole as the id', async (_name, filename) => {
    const res = await sendRaw([filePart(filename.replace(/\\/g, '\\\\'), 'path')]);
    expect(res.status).toBe(200);
    expect(await stored(filename)).not.toBeNull();
  });

  it.each([
    ['empty', ''],
    ['over 1,024 bytes', `${'é'.repeat(511)}xyz.txt`],
  ])('answers 400 for a filename that is %s', async (_name, filename) => {
    const res = await sendRaw([filePart(filename, 'x')]);
    expect(res.status).toBe(400);
    expect(res.body.internalCode).toBe('INVALID_DOCUMENT_ID');
  });

  it('answers 400 for control characters in a filename, raw or percent-encoded', async () => {
    const raw = await sendRaw([filePart('bad\u0007name.txt', 'x')]);
    expect(raw.status).toBe(400);
    const encoded = await sendRaw([{ disposition: "form-data; name=\"file\"; filename*=UTF-8''bad%07name.txt", content: 'x' }]);
    expect(encoded.status).toBe(400);
    expect(encoded.body).toMatchObject({ internalCode: 'INVALID_DOCUMENT_ID' });
    expect(encoded.body.details).toContain('control characters');
  });

  it('accepts a filename of exactly 1,024 bytes', async () => {
    const filename = `${'a'.repeat(1020)}.txt`;
    expect((await sendRaw([filePart(filename, 'x')])).status).toBe(200);
  });
});

/** A binary Document whose sections nest `depth` deep: field 10 (tag 0x52) wrapped by hand. */
function nestedSections(depth: number): Buffer {
  const varint = (n: number) => {
    const out: number[] = [];
    while (n > 0x7f) {
      out.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    out.push(n);
    return Buffer.from(out);
  };
  let section = Buffer.from([0x1a, 0x04, ...Buffer.from('leaf')]);
  for (let i = 0; i < depth; i++) section = Buffer.concat([Buffer.from([0x52]), varint(section.length), section]);
  return Buffer.concat([Buffer.from([0x0a, 0x04, ...Buffer.from('deep')]), section]);
}
