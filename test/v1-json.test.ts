import request from 'supertest';
import { asJson, sampleDocument } from './helpers/documents.js';
import { uploadText } from './helpers/upload.js';
import { CORPUS, CUSTOMER, useGateway } from './helpers/gateway.js';

const gw = useGateway({ scope: 'each' });
let key: string;

beforeEach(async () => {
  key = (await gw.apiKey('index')).key;
});

const post = (path: string, body: unknown, headers: Record<string, string> = { 'customer-id': CUSTOMER }) =>
  request(gw.app).post(path).set('x-api-key', key).set(headers).send(body as object);

const upload = (name: string, text: string, metadata?: Record<string, unknown>) => uploadText(gw.app, key, name, text, metadata);

describe('POST /v1/list-documents', () => {
  it('lists ids with metadata as name/value pairs, 10 by default', async () => {
    for (let i = 0; i < 12; i++) await upload(`doc-${String(i).padStart(2, '0')}.txt`, `text ${i}`, { lang: i % 2 ? 'fr' : 'en', n: i });
    const res = await post('/v1/list-documents', { corpusId: Number(CORPUS) });
    expect(res.status).toBe(200);
    expect(res.body.document).toHaveLength(10);
    expect(res.body.document[0]).toEqual({ id: 'doc-00.txt', metadata: [{ name: 'lang', value: 'en' }, { name: 'n', value: '0' }] });
    expect(typeof res.body.nextPageKey).toBe('string');
    expect(res.body.nextPageKey).not.toBe('');
  });

  it('pages with opaque keys that stay stable while documents are added', async () => {
    for (const n of ['b', 'd', 'f', 'h']) await upload(`${n}.txt`, n);
    const first = await post('/v1/list-documents', { corpus_id: CORPUS, num_results: 2 });
    expect(first.body.document.map((d: { id: string }) => d.id)).toEqual(['b.txt', 'd.txt']);
    // Inserted before and after the cursor while the client pages.
    await upload('a.txt', 'a');
    await upload('e.txt', 'e');
    const second = await post('/v1/list-documents', { corpusId: CORPUS, numResults: 2, pageKey: first.body.nextPageKey });
    expect(second.body.document.map((d: { id: string }) => d.id)).toEqual(['e.txt', 'f.txt']);
    const third = await post('/v1/list-documents', { corpusId: CORPUS, numResults: 2, pageKey: second.body.nextPageKey });
    expect(third.body).toEqual({ document: [{ id: 'h.txt', metadata: [] }], nextPageKey: '' });
  });

  it('filters on document metadata with doc.key = value, joined by AND', async () => {
    await upload('1.txt', 'one', { lang: 'en', year: 2020 });
    await upload('2.txt', 'two', { lang: 'en', year: 2021 });
    await upload('3.txt', 'three', { lang: "it's", year: 2020 });
    const ids = async (filter: string) =>
      (await post('/v1/list-documents', { corpusId: CORPUS, metadataFilter: filter })).body.document.map((d: { id: string }) => d.id);
    expect(await ids("doc.lang = 'en'")).toEqual(['1.txt', '2.txt']);
    expect(await ids("doc.lang = 'en' AND doc.year = 2020")).toEqual(['1.txt']);
    expect(await ids("doc.lang = 'it''s' and doc.year=2020")).toEqual(['3.txt']);
    expect(await ids("doc.lang = 'AND'")).toEqual([]);
  });

  it.each([
    ["doc.lang = 'en' OR doc.lang = 'fr'", 'INVALID_FILTER'],
    ["part.lang = 'en'", 'INVALID_FILTER'],
    ["doc.year > 2020", 'INVALID_FILTER'],
  ])('answers 400 to the filter %s', async (filter, code) => {
    const res = await post('/v1/list-documents', { corpusId: CORPUS, metadataFilter: filter });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ httpCode: 400, internalCode: code });
  });

  it('answers 400 for a bad page size, page key, body or missing customer-id header', async () => {
    expect((await post('/v1/list-documents', { corpusId: CORPUS, numResults: 1001 })).body.internalCode).toBe('INVALID_PARAMETER');
    expect((await post('/v1/list-documents', { corpusId: CORPUS, numResults: 0 })).status).toBe(400);
    expect((await post('/v1/list-documents', { corpusId: CORPUS, pageKey: 'garbage' })).body.internalCode).toBe('INVALID_PAGE_KEY');
    const notJson = await request(gw.app).post('/v1/list-documents').set('x-api-key', key).set('customer-id', CUSTOMER)
      .set('content-type', 'application/json').send('{"corpusId": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body.internalCode).toBe('INVALID_JSON');
    const noHeader = await post('/v1/list-documents', { corpusId: CORPUS }, {});
    expect(noHeader.status).toBe(400);
    expect(noHeader.body.details).toContain('customer-id');
    expect((await post('/v1/list-documents', { corpusId: '999' })).body.internalCode).toBe('CORPUS_NOT_FOUND');
    expect((await post('/v1/list-documents', {})).body.internalCode).toBe('INVALID_PARAMETER');
  });

  it('needs a credential of the customer named by the header', async () => {
    const res = await post('/v1/list-documents', { corpusId: CORPUS }, { 'customer-id': '999' });
    expect(res.status).toBe(403);
    const anonymous = await request(gw.app).post('/v1/list-documents').set('customer-id', CUSTOMER).send({ corpusId: CORPUS });
    expect(anonymous.status).toBe(401);
  });
});

describe('POST /v1/delete-doc', () => {
  it('deletes, frees the quota, is idempotent, and lets the id take new content', async () => {
    await gw.store.setQuota({ customerId: CUSTOMER, corpusId: CORPUS }, { maxDocs: 1 });
    await upload('x.txt', 'first version');
    const refused = await request(gw.app).post(`/v1/upload?c=${CUSTOMER}&o=${CORPUS}`).set('x-api-key', key)
      .attach('file', Buffer.from('other'), 'y.txt');
    expect(refused.status).toBe(507);
    const conflict = await request(gw.app).post(`/v1/upload?c=${CUSTOMER}&o=${CORPUS}`).set('x-api-key', key)
      .attach('file', Buffer.from('second version'), 'x.txt');
    expect(conflict.status).toBe(409);

    const body = { customerId: CUSTOMER, corpusId: CORPUS, documentId: 'x.txt' };
    const res = await post('/v1/delete-doc', body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS })).toMatchObject({ usedChars: 0, usedDocs: 0 });
    expect(await gw.store.getUsage({ customerId: CUSTOMER })).toMatchObject({ usedChars: 0, usedDocs: 0 });
    expect((await post('/v1/delete-doc', body)).status).toBe(200);

    const again = await upload('x.txt', 'second version');
    expect(again.body.response.quotaConsumed.numChars).toBe('14');
  });

  it('answers 403 to a query key and 400 when body and header name other customers', async () => {
    const query = await gw.apiKey('query');
    const res = await request(gw.app).post('/v1/delete-doc').set('x-api-key', query.key).set('customer-id', CUSTOMER)
      .send({ customerId: CUSTOMER, corpusId: CORPUS, documentId: 'x' });
    expect(res.status).toBe(403);
    expect((await post('/v1/delete-doc', { customerId: '5', corpusId: CORPUS, documentId: 'x' })).status).toBe(400);
    expect((await post('/v1/delete-doc', { customerId: CUSTOMER, corpusId: CORPUS })).body.internalCode).toBe('INVALID_DOCUMENT_ID');
  });
});

describe('POST /v1/index', () => {
  const document = () => JSON.parse(asJson(sampleDocument('indexed-1')).toString());

  it('indexes a Document in proto3 JSON, then replays it whatever the key order', async () => {
    const res = await post('/v1/index', { customerId: CUSTOMER, corpusId: CORPUS, document: document() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: { code: 'OK' }, quotaConsumed: { numChars: '58', numMetadataChars: '23' } });
    const reordered = Object.fromEntries(Object.entries(document()).reverse());
    const replay = await post('/v1/index', { corpus_id: CORPUS, customer_id: CUSTOMER, document: reordered });
    expect(replay.status).toBe(200);
    expect(replay.body.status.code).toBe('ALREADY_EXISTS');
    expect(replay.body.quotaConsumed).toEqual({ numChars: '58', numMetadataChars: '23' });
    const stored = await gw.store.getDocumentRecord({ customerId: CUSTOMER, corpusId: CORPUS, documentId: 'indexed-1' });
    expect(stored).toMatchObject({ title: 'A title', metadataJson: '{"lang":"en"}' });
  });

  it('answers 409 for other content under a stored id, and 507 past a quota', async () => {
    await post('/v1/index', { customerId: CUSTOMER, corpusId: CORPUS, document: document() });
    const changed = { ...document(), title: 'Another title' };
    const conflict = await post('/v1/index', { customerId: CUSTOMER, corpusId: CORPUS, document: changed });
    expect(conflict.status).toBe(409);
    expect(conflict.body.details).toContain("document id 'indexed-1'");
    await gw.store.setQuota({ customerId: CUSTOMER }, { maxChars: 100 });
    const over = await post('/v1/index', { customerId: CUSTOMER, corpusId: CORPUS, document: { ...document(), documentId: 'indexed-2' } });
    expect(over.status).toBe(507);
    expect(over.body).toMatchObject({ internalCode: 'QUOTA_EXCEEDED', scope: 'customer', limit: 100 });
  });

  it('answers 400 for a missing or undecodable document', async () => {
    expect((await post('/v1/index', { customerId: CUSTOMER, corpusId: CORPUS })).body.internalCode).toBe('INVALID_DOCUMENT');
    const bad = await post('/v1/index', { customerId: CUSTOMER, corpusId: CORPUS, document: { documentId: 'z', section: 'nope' } });
    expect(bad.status).toBe(400);
    expect(bad.body.internalCode).toBe('INVALID_DOCUMENT');
  });
});
