import fs from 'node:fs';
import request from 'supertest';
import { GOLDEN_FIXTURES } from '../scripts/golden.js';
import { closeTestIssuer, CORPUS, CUSTOMER, startGateway, useGateway, type GatewayFixture } from './helpers/gateway.js';
import { batch, keptFiles, settled, type Attachment } from './helpers/batch.js';
import { multipart } from './helpers/multipart.js';
import { waitFor } from './helpers/wait.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PDF = GOLDEN_FIXTURES['simple.pdf']!();
const CORRUPT_PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage');

const extractionsKey = async (gw: GatewayFixture) => (await gw.apiKey('extractions', { corpusIds: [CORPUS] })).key;

/**
 * Nothing of a refused request is kept: no spool file (removed as its stream closes), no new
 * stored file (jobs finishing meanwhile may remove some: the kept files only ever shrink).
 */
async function expectNothingKept(gw: GatewayFixture, filesBefore: readonly string[] = []): Promise<void> {
  await waitFor(() => fs.readdirSync(gw.spoolDir).length === 0, 2000, 'an empty spool');
  expect(storedFiles(gw).filter((name) => !filesBefore.includes(name))).toEqual([]);
}

const storedFiles = (gw: GatewayFixture) => keptFiles(gw.dir);

describe('POST /api/v1/upload (Documind batch upload)', () => {
  const gw = useGateway({ closeIssuer: false });

  it('answers one new UUID per file, in the order sent, and a new one for the same bytes again', async () => {
    const key = await extractionsKey(gw);
    const one = await batch(gw.app, key, [[PDF, 'one.pdf']]);
    expect(one.status).toBe(200);
    expect(one.body).toEqual([expect.stringMatching(UUID)]);
    const three = await batch(gw.app, key, [[PDF, 'a.pdf'], ['second', 'b.txt'], ['third', 'c.txt']]);
    expect(three.status).toBe(200);
    expect(three.body).toHaveLength(3);
    const names = [];
    for (const id of three.body as string[]) {
      expect(id).toMatch(UUID);
      names.push((await request(gw.app).get(`/api/v1/documents/${id}`).set('X-API-Key', key)).body.filename);
    }
    expect(names).toEqual(['a.pdf', 'b.txt', 'c.txt']);
    expect(new Set([one.body[0], ...three.body]).size).toBe(4); // the same PDF twice: two ids
  });

  it('extracts the jobs: done, the Document under the id in the corpus, and include=document', async () => {
    const key = await extractionsKey(gw);
    const [id] = (await batch(gw.app, key, [[PDF, 'report.pdf']])).body as string[];
    const status = await settled(gw.app, key, id!);
    expect(status).toMatchObject({ id, filename: 'report.pdf', status: 'done', error: null, size: PDF.length, pages: 2 }); // simple.pdf has two pages
    const withDoc = await request(gw.app).get(`/api/v1/documents/${id}?include=document`).set('X-API-Key', key);
    expect(withDoc.body.document).toMatchObject({ documentId: id });
    const { key: indexKey } = await gw.apiKey('index');
    const stored = await request(gw.app).get(`/v2/corpora/${CORPUS}/documents/${id}`).set('x-api-key', indexKey);
    expect(stored.status).toBe(200);
    expect(stored.body.documentId).toBe(id);
    const info = await request(gw.app).get(`/v2/corpora/${CORPUS}/documents/${id}/info`).set('x-api-key', indexKey);
    expect(info.body.provenance).toMatchObject({ source_sha256: expect.any(String), source_size: PDF.length });
  });

  it('fails a corrupt PDF with CORRUPT, and an unsupported type with UNSUPPORTED_TYPE', async () => {
    const key = await extractionsKey(gw);
    const [corrupt, odd] = (await batch(gw.app, key, [[CORRUPT_PDF, 'broken.pdf'], ['\u0000\u0001\u0002 binary', 'blob.bin']])).body as string[];
    expect(await settled(gw.app, key, corrupt!)).toMatchObject({ status: 'failed', error: { code: 'CORRUPT', detail: expect.any(String) } });
    expect(await settled(gw.app, key, odd!)).toMatchObject({ status: 'failed', error: { code: 'UNSUPPORTED_TYPE' } });
  });

  it('answers ?verbose=true with an object per file and duplicate_of', async () => {
    const key = await extractionsKey(gw);
    const bytes = `verbose ${Date.now()}`;
    const first = await batch(gw.app, key, [[bytes, 'v1.txt'], [bytes, 'v2.txt'], ['other', 'v3.txt']], '?verbose=true');
    expect(first.status).toBe(200);
    const [a, b, c] = first.body as Record<string, unknown>[];
    expect(a).toEqual({ id: expect.stringMatching(UUID), filename: 'v1.txt', size: bytes.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), status: 'queued', duplicate_of: null });
    expect(b).toMatchObject({ filename: 'v2.txt', duplicate_of: a!.id });
    expect(c).toMatchObject({ filename: 'v3.txt' });
    const again = await batch(gw.app, key, [[bytes, 'v4.txt']], '?verbose=true');
    expect(again.body[0]).toMatchObject({ duplicate_of: a!.id });
  });

  it('takes a JWT with extractions:write and exactly one corpus', async () => {
    const token = await gw.token({ customer_id: CUSTOMER, scope: 'extractions:write', corpus_ids: [Number(CORPUS)] });
    const ok = await request(gw.app).post('/api/v1/upload').set('Authorization', `Bearer ${token}`).attach('files', Buffer.from('jwt'), 'jwt.txt');
    expect(ok.status).toBe(200);
    const two = await gw.token({ customer_id: CUSTOMER, scope: 'extractions:write', corpus_ids: [151, 152] });
    const refused = await request(gw.app).post('/api/v1/upload').set('Authorization', `Bearer ${two}`).attach('files', Buffer.from('jwt'), 'jwt.txt');
    expect(refused.status).toBe(403);
    expect(Object.keys(refused.body)).toEqual(['detail']);
  });

  it('answers every error as {"detail"}', async () => {
    const key = await extractionsKey(gw);
    const before = storedFiles(gw);
    const noKey = await batch(gw.app, null, [['x', 'x.txt']]);
    expect([noKey.status, noKey.body]).toEqual([401, { detail: 'Invalid or missing API key' }]);
    const wrongKey = await batch(gw.app, 'cgk_0123456789abcdef_' + 'A'.repeat(43), [['x', 'x.txt']]);
    expect([wrongKey.status, wrongKey.body]).toEqual([401, { detail: 'Invalid or missing API key' }]);
    const { key: indexKey } = await gw.apiKey('index', { corpusIds: [CORPUS] });
    const noScope = await batch(gw.app, indexKey, [['x', 'x.txt']]);
    expect(noScope.status).toBe(403);
    expect(noScope.body).toEqual({ detail: expect.stringContaining('extractions:write') });
    const broken = await request(gw.app).post('/api/v1/upload').set('X-API-Key', key)
      .set('Content-Type', 'multipart/form-data; boundary=xyz').send('--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\nabc');
    expect([broken.status, broken.body]).toEqual([400, { detail: 'There was an error parsing the body' }]);
    const notMultipart = await request(gw.app).post('/api/v1/upload').set('X-API-Key', key).send({ files: 'x' });
    expect([notMultipart.status, notMultipart.body]).toEqual([400, { detail: 'There was an error parsing the body' }]);
    const unknown = await request(gw.app).get('/api/v1/documents/00000000-0000-4000-8000-000000000000').set('X-API-Key', key);
    expect(unknown.status).toBe(404);
    expect(Object.keys(unknown.body)).toEqual(['detail']);
    await expectNothingKept(gw, before);
  });

  it('refuses a whole batch with an empty file or a part without filename, naming the part', async () => {
    const key = await extractionsKey(gw);
    const before = storedFiles(gw);
    const empty = await batch(gw.app, key, [['fine', 'ok.txt'], ['', 'empty.txt']]);
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toMatch(/part 2 .*empty\.txt.* is empty/);
    const form = multipart([
      { disposition: 'form-data; name="files"; filename="ok.txt"', content: 'fine, but not kept', contentType: 'text/plain' },
      { disposition: 'form-data; name="files"', content: 'no filename' },
    ]);
    const noName = await request(gw.app).post('/api/v1/upload').set('X-API-Key', key).set('Content-Type', form.contentType).send(form.body);
    expect(noName.status).toBe(400);
    expect(noName.body.detail).toContain('part 2 ("files") has no filename');
    await expectNothingKept(gw, before);
  });
});

describe('batch upload limits', () => {
  const gw = useGateway({ env: { MAX_BATCH_FILES: '3', MAX_BATCH_BYTES: '5000', MAX_UPLOAD_BYTES: '3000' }, closeIssuer: false });
  const big = (n: number) => Buffer.alloc(n, 'a');

  it.each([
    ['too many files', [['1', 'a.txt'], ['2', 'b.txt'], ['3', 'c.txt'], ['4', 'd.txt']]],
    ['a batch too large', [[big(2500), 'a.txt'], [big(2501), 'b.txt']]],
    ['a file too large', [[big(3001), 'a.txt']]],
  ] as [string, Attachment[]][])('answers 413 to %s, keeping nothing', async (_what, files) => {
    const key = await extractionsKey(gw);
    const res = await batch(gw.app, key, files);
    expect([res.status, res.body]).toEqual([413, { detail: 'Request Entity Too Large' }]);
    await expectNothingKept(gw);
  });

  it('takes a batch right at the limits', async () => {
    const key = await extractionsKey(gw);
    const res = await batch(gw.app, key, [[big(2000), 'a.txt'], [big(2000), 'b.txt'], [big(1000), 'c.txt']]);
    expect(res.status).toBe(200);
  });
});

describe('batch jobs across a restart', () => {
  afterAll(() => closeTestIssuer());

  it('keeps queued jobs durable: a gateway started again on the same DATA_DIR finishes them', async () => {
    const first = await startGateway({}, undefined, { runJobs: false }); // accepts, extracts nothing
    const { key } = await first.apiKey('extractions', { corpusIds: [CORPUS] });
    const ids = (await batch(first.app, key, [[PDF, 'r1.pdf'], ['restart text', 'r2.txt']])).body as string[];
    for (const id of ids) expect((await request(first.app).get(`/api/v1/documents/${id}`).set('X-API-Key', key)).body.status).toBe('queued');
    const second = await first.restart({});
    try {
      for (const id of ids) expect(await settled(second.app, key, id)).toMatchObject({ status: 'done' });
    } finally {
      await second.close();
    }
  });
});
