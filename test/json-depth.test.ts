import { create } from '@bufbuild/protobuf';
import request from 'supertest';
import { DocumentSchema, SectionSchema, packDocument, encodeDocument } from '../src/document/index.js';
import { asBinary, asText, sampleDocument } from './helpers/documents.js';
import { filePart, multipart } from './helpers/multipart.js';
import { uploadText } from './helpers/upload.js';
import { CORPUS, CUSTOMER, useGateway } from './helpers/gateway.js';

/** Issue 11 item 2: one nesting limit (64) for every JSON input; nothing stored can break a read. */

const gw = useGateway();
let key: string;
beforeAll(async () => {
  key = (await gw.apiKey('admin')).key;
});

const objects = (depth: number, leaf = '1') => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
const arrays = (depth: number) => '['.repeat(depth) + '1' + ']'.repeat(depth);
/** A metadata object whose value nests: the whole text nests `depth` levels. */
const metadataNesting = (depth: number) => `{"k":${objects(depth - 1)}}`;

function uploadWithMetadata(name: string, rawMetadata: string) {
  const { body, contentType } = multipart([filePart(name, `text of ${name}`), { disposition: 'form-data; name="doc_metadata"', content: rawMetadata }]);
  return request(gw.app).post(`/v1/upload?c=${CUSTOMER}&o=${CORPUS}`).set('x-api-key', key).set('content-type', contentType).send(body);
}

function uploadFile(name: string, content: Buffer | string) {
  const { body, contentType } = multipart([filePart(name, content)]);
  return request(gw.app).post(`/v1/upload?c=${CUSTOMER}&o=${CORPUS}`).set('x-api-key', key).set('content-type', contentType).send(body);
}

const indexRaw = (json: string) =>
  request(gw.app).post('/v1/index').set('x-api-key', key).set('customer-id', CUSTOMER).set('content-type', 'application/json').send(json);

const stored = (documentId: string) => gw.store.getDocumentRecord({ customerId: CUSTOMER, corpusId: CORPUS, documentId });

describe('doc_metadata', () => {
  it('accepts 64 levels of nesting', async () => {
    const res = await uploadWithMetadata('deep-64.txt', metadataNesting(64));
    expect(res.status).toBe(200);
  });

  it.each([
    ['objects 65 deep', metadataNesting(65)],
    ['objects 2,600 deep', metadataNesting(2_600)],
    ['objects 10,000 deep', metadataNesting(10_000)],
    ['arrays 3,200 deep', `{"k":${arrays(3_200)}}`],
  ])('answers 400 INVALID_METADATA for %s, and stores nothing', async (what, raw) => {
    const name = `deep-${what.replace(/\W+/g, '-')}.txt`;
    const res = await uploadWithMetadata(name, raw);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ internalCode: 'INVALID_METADATA' });
    expect(res.body.details).toContain('deeper than 64');
    expect(await stored(name)).toBeNull();
  });

  it('does not count brackets inside strings', async () => {
    const res = await uploadWithMetadata('brackets.txt', JSON.stringify({ text: '{'.repeat(500) + '['.repeat(500) + '\\"{' }));
    expect(res.status).toBe(200);
  });
});

describe('POST /v1/index', () => {
  const body = (document: object | string) =>
    `{"customerId":"${CUSTOMER}","corpusId":${CORPUS},"document":${typeof document === 'string' ? document : JSON.stringify(document)}}`;
  const sectionsNested = (depth: number) => '{"text":"x","section":['.repeat(depth) + '{"text":"leaf"}' + ']}'.repeat(depth);

  it.each([5_000, 30_000])('answers 400 INVALID_DOCUMENT for a metadataJson nested %i deep, and stores nothing', async (depth) => {
    const res = await indexRaw(body({ documentId: `meta-${depth}`, section: [{ text: 'x' }], metadataJson: metadataNesting(depth) }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ internalCode: 'INVALID_DOCUMENT' });
    expect(res.body.details).toContain('deeper than 64');
    expect(await stored(`meta-${depth}`)).toBeNull();
  });

  it("answers 400 INVALID_DOCUMENT for a section's metadataJson nested too deep", async () => {
    const res = await indexRaw(body({ documentId: 'section-meta', section: [{ text: 'x', metadataJson: metadataNesting(100) }] }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ internalCode: 'INVALID_DOCUMENT' });
    expect(await stored('section-meta')).toBeNull();
  });

  it.each([65, 100, 2_000, 20_000])('answers 400 INVALID_JSON for sections nested %i deep (never 500)', async (depth) => {
    const res = await indexRaw(body(`{"documentId":"s${depth}","section":[${sectionsNested(depth - 1)}]}`));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ internalCode: 'INVALID_JSON' });
    expect(res.body.details).toContain('nests deeper than');
    expect(await stored(`s${depth}`)).toBeNull();
  });

  it('still indexes sections nested 64 deep', async () => {
    const res = await indexRaw(body(`{"documentId":"s64","section":[${sectionsNested(63)}]}`));
    expect(res.status).toBe(200);
  });
});

describe('Document files', () => {
  it('refuses a .json Document nested past its limit with 400 INVALID_DOCUMENT', async () => {
    const res = await uploadFile('deep.json', `{"documentId":"deep-json","section":[{"text":"x","section":[${arrays(10_000)}]}]}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ internalCode: 'INVALID_DOCUMENT' });
  });

  it.each([
    ['.json', (d: ReturnType<typeof sampleDocument>) => Buffer.from(JSON.stringify({ documentId: d.documentId, metadataJson: d.metadataJson, section: [{ text: 'x' }] }))],
    ['.pb', asBinary],
    ['.pbtxt', asText],
  ])('refuses a %s Document whose metadata_json nests too deep', async (ext, encode) => {
    const doc = sampleDocument(`deep-meta${ext}`, { metadataJson: metadataNesting(3_000) });
    const res = await uploadFile(`deep-meta${ext}`, encode(doc));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ internalCode: 'INVALID_DOCUMENT' });
    expect(res.body.details).toContain('deeper than 64');
  });

  it("refuses a Document whose section metadata_json is not a JSON object", async () => {
    const doc = create(DocumentSchema, { documentId: 'section-array', section: [create(SectionSchema, { text: 'x', metadataJson: '[1]' })] });
    const res = await uploadFile('section-array.pb', asBinary(doc));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ internalCode: 'INVALID_DOCUMENT' });
  });
});

describe('read paths', () => {
  it('list, filter and inspect a corpus holding metadata stored before the limit existed', async () => {
    // As an older version stored it: straight into the store, past today's HTTP checks.
    const legacyMetadata = metadataNesting(30_000);
    const document = create(DocumentSchema, { documentId: 'legacy', metadataJson: legacyMetadata, section: [create(SectionSchema, { text: 'old' })] });
    await gw.store.putIfAbsent({
      key: { customerId: CUSTOMER, corpusId: CORPUS, documentId: 'legacy' },
      contentHash: 'legacy-hash',
      uploadHash: 'legacy-hash',
      document: packDocument(encodeDocument(document)),
      title: '',
      metadataJson: legacyMetadata,
      charge: { numChars: 3, numMetadataChars: 0 },
      provenance: { sourceSha256: '0'.repeat(64), sourceSize: 1, sourceFormat: 'text', uploader: 'test', extractor: 'test', extractionMs: 0 },
    }, () => {});
    await uploadText(gw.app, key, 'normal.txt', 'normal', { lang: 'en' });

    const v2 = await request(gw.app).get(`/v2/corpora/${CORPUS}/documents?limit=100`).set('x-api-key', key);
    expect(v2.status).toBe(200);
    expect(v2.body.documents.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining(['legacy', 'normal.txt']));
    const v1 = await request(gw.app).post('/v1/list-documents').set('x-api-key', key).set('customer-id', CUSTOMER).send({ corpusId: CORPUS, numResults: 100 });
    expect(v1.status).toBe(200);
    const filtered = await request(gw.app)
      .post('/v1/list-documents')
      .set('x-api-key', key)
      .set('customer-id', CUSTOMER)
      .send({ corpusId: CORPUS, numResults: 100, metadataFilter: "doc.lang = 'en'" });
    expect(filtered.status).toBe(200);
    expect(filtered.body.document.map((d: { id: string }) => d.id)).toContain('normal.txt');
    const info = await request(gw.app).get(`/v2/corpora/${CORPUS}/documents/legacy/info`).set('x-api-key', key);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ id: 'legacy', metadata: {} });
  });
});
