import { fromBinary } from '@bufbuild/protobuf';
import { fromText } from '@bufbuild/protobuf/txtpb';
import request from 'supertest';
import { DocumentSchema } from '../src/document/index.js';
import { uploadText } from './helpers/upload.js';
import { CORPUS, CUSTOMER, useGateway } from './helpers/gateway.js';

const gw = useGateway({ scope: 'each' });
let admin: string;
const docs = `/v2/corpora/${CORPUS}/documents`;

beforeEach(async () => {
  admin = (await gw.apiKey('admin')).key;
});

const as = (key: string) => ({
  get: (path: string) => request(gw.app).get(path).set('x-api-key', key),
  del: (path: string) => request(gw.app).delete(path).set('x-api-key', key),
  post: (path: string, body: object) => request(gw.app).post(path).set('x-api-key', key).send(body),
  put: (path: string, body: object) => request(gw.app).put(path).set('x-api-key', key).send(body),
});

const upload = (name: string, text: string, metadata?: Record<string, unknown>) => uploadText(gw.app, admin, name, text, metadata);

describe('GET /v2/corpora/{corpus}/documents', () => {
  it('lists documents with title, metadata, charge and provenance, and pages', async () => {
    await upload('a.txt', 'alpha', { team: 'x' });
    await upload('b.txt', 'beta');
    await upload('c.txt', 'gamma', { team: 'x' });
    const page = await as(admin).get(`${docs}?limit=2`);
    expect(page.status).toBe(200);
    expect(page.body.documents.map((d: { id: string }) => d.id)).toEqual(['a.txt', 'b.txt']);
    expect(page.body.documents[0]).toEqual({
      id: 'a.txt',
      title: '',
      metadata: { team: 'x' },
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      charge: { num_chars: 5, num_metadata_chars: 12 },
      provenance: {
        source_sha256: '8ed3f6ad685b959ead7022518e1af76cd816f8e8ec7ccdda1ed4018e8f2223f8',
        source_size: 5,
        detected_type: 'text',
        extractor: 'corpusgate/text',
        extraction_ms: expect.any(Number),
        uploader: expect.stringMatching(/^apikey:[0-9a-f]{16}$/),
      },
    });
    const next = await as(admin).get(`${docs}?limit=2&page_key=${page.body.metadata.page_key}`);
    expect(next.body.documents.map((d: { id: string }) => d.id)).toEqual(['c.txt']);
    expect(next.body.metadata.page_key).toBe('');
    const filtered = await as(admin).get(`${docs}?metadata_filter=${encodeURIComponent("doc.team = 'x'")}`);
    expect(filtered.body.documents.map((d: { id: string }) => d.id)).toEqual(['a.txt', 'c.txt']);
  });

  it('searches by id prefix', async () => {
    for (const id of ['reports/2024.txt', 'reports/2025.txt', 'reportsX.txt', 'notes.txt']) await upload(id, id);
    const res = await as(admin).get(`${docs}?id_prefix=${encodeURIComponent('reports/')}`);
    expect(res.body.documents.map((d: { id: string }) => d.id)).toEqual(['reports/2024.txt', 'reports/2025.txt']);
  });

  it('lets a query key read but not delete; refuses another customer', async () => {
    await upload('a.txt', 'alpha');
    const query = (await gw.apiKey('query')).key;
    expect((await as(query).get(docs)).status).toBe(200);
    const del = await as(query).del(`${docs}/a.txt`);
    expect(del.status).toBe(403);
    const stranger = (await gw.apiKey('admin', { customerId: '777' })).key;
    expect((await as(stranger).get(docs).set('customer-id', CUSTOMER)).status).toBe(403);
    expect((await as(stranger).get(docs)).body.internalCode).toBe('CORPUS_NOT_FOUND');
    expect((await request(gw.app).get(docs)).status).toBe(401);
  });
});

describe('GET /v2/corpora/{corpus}/documents/{id}', () => {
  // A URL with a space, a percent sign and non-ASCII letters, as vectara-ingest names crawled pages.
  const id = 'https://example.com/a b/Ünïcødé 50%.txt';
  const path = `${docs}/${encodeURIComponent(id)}`;

  beforeEach(() => upload(id, 'Some text.', { source: 'web' }));

  it('answers proto3 JSON, binary protobuf or text format as Accept asks', async () => {
    const json = await as(admin).get(path).set('Accept', 'application/json');
    expect(json.status).toBe(200);
    expect(json.body).toEqual({ documentId: id, metadataJson: '{"source":"web"}', section: [{ id: 1, text: 'Some text.' }] });
    const binary = await as(admin).get(path).set('Accept', 'application/x-protobuf').buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(binary.headers['content-type']).toBe('application/x-protobuf');
    expect(fromBinary(DocumentSchema, binary.body as Buffer).documentId).toBe(id);
    const text = await as(admin).get(path).set('Accept', 'text/plain');
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
    expect(fromText(DocumentSchema, text.text).section[0]?.text).toBe('Some text.');
    expect((await as(admin).get(path).set('Accept', 'image/png')).status).toBe(406);
  });

  it('decodes the id exactly once', async () => {
    // "%25" is a literal percent sign once decoded; decoding twice would look up another id.
    await upload('100%25.txt', 'percent');
    expect((await as(admin).get(`${docs}/${encodeURIComponent('100%25.txt')}`)).body.documentId).toBe('100%25.txt');
    expect((await as(admin).get(`${docs}/100%25.txt`)).status).toBe(404);
  });

  it('shows provenance under /info and answers 404 for an unknown id', async () => {
    const info = await as(admin).get(`${path}/info`);
    expect(info.body).toMatchObject({ id, metadata: { source: 'web' }, provenance: { detected_type: 'text', source_size: 10 } });
    const missing = await as(admin).get(`${docs}/nope.txt`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ internalCode: 'DOCUMENT_NOT_FOUND', document: { documentId: 'nope.txt' } });
  });

  it('deletes with 204, frees the quota, then answers 404', async () => {
    const del = await as(admin).del(path);
    expect(del.status).toBe(204);
    expect(await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS })).toMatchObject({ usedDocs: 0, usedChars: 0 });
    expect((await as(admin).del(path)).status).toBe(404);
    expect((await as(admin).get(path)).status).toBe(404);
  });

  it('answers 405 with Allow for a wrong method on a known route', async () => {
    const res = await request(gw.app).patch(path);
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('GET, DELETE, HEAD');
  });
});

describe('admin routes', () => {
  it('creates and lists corpora with their usage', async () => {
    const created = await as(admin).post('/v2/corpora', { id: 200, name: 'handbooks' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: '200', name: 'handbooks', usage: { scope: 'corpus', used_docs: 0, max_chars: 'unlimited' } });
    expect((await as(admin).post('/v2/corpora', { id: '200', name: 'again' })).body.internalCode).toBe('CORPUS_EXISTS');
    await upload('a.txt', 'alpha');
    const one = await as(admin).get(`/v2/corpora/${CORPUS}`);
    expect(one.body).toMatchObject({ id: CORPUS, name: 'test', usage: { scope: 'corpus', used_docs: 1, used_chars: 5 } });
    expect((await as(admin).get('/v2/corpora/999')).body.internalCode).toBe('CORPUS_NOT_FOUND');
    const list = await as(admin).get('/v2/corpora');
    expect(list.body.corpora.map((c: { id: string; usage: { used_docs: number } }) => [c.id, c.usage.used_docs])).toEqual([
      [CORPUS, 1],
      ['200', 0],
    ]);
  });

  it('sets and reads quotas per customer and corpus, and enforces them on upload', async () => {
    const set = await as(admin).put(`/v2/corpora/${CORPUS}/quota`, { max_chars: 8 });
    expect(set.body).toMatchObject({ scope: 'corpus', max_chars: 8, own_max_chars: 8, max_docs: 'unlimited', own_max_docs: null });
    await upload('a.txt', 'alpha');
    const over = await request(gw.app).post(`/v1/upload?c=${CUSTOMER}&o=${CORPUS}`).set('x-api-key', admin).attach('file', Buffer.from('beta'), 'b.txt');
    expect(over.status).toBe(507);
    expect((await as(admin).put(`/v2/corpora/${CORPUS}/quota`, { max_chars: 'unlimited' })).body.own_max_chars).toBe('unlimited');
    const customer = await as(admin).put('/v2/quota', { max_docs: 5 });
    expect(customer.body).toMatchObject({ scope: 'customer', used_docs: 1, used_chars: 5, max_docs: 5 });
    expect((await as(admin).get('/v2/quota')).body.max_docs).toBe(5);
    expect((await as(admin).get(`/v2/corpora/${CORPUS}/quota`)).body.used_text_chars).toBe(5);
    expect((await as(admin).put('/v2/quota', { max_docs: -3 })).status).toBe(400);
    expect((await as(admin).put('/v2/quota', {})).status).toBe(400);
  });

  it('is for admin keys only, and only for the whole customer', async () => {
    const index = (await gw.apiKey('index')).key;
    expect((await as(index).get('/v2/corpora')).status).toBe(403);
    expect((await as(index).put('/v2/quota', { max_docs: 1 })).status).toBe(403);
    const limited = (await gw.apiKey('admin', { corpusIds: [CORPUS] })).key;
    expect((await as(limited).get('/v2/quota')).status).toBe(403);
    expect((await as(limited).get(`/v2/corpora/${CORPUS}/quota`)).status).toBe(200);
    const token = await gw.token({ customer_id: CUSTOMER, scope: 'corpus:admin' });
    expect((await request(gw.app).get('/v2/corpora').set('Authorization', `Bearer ${token}`)).status).toBe(200);
  });
});
