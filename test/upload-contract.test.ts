import request from 'supertest';
import { CORPUS, CUSTOMER, useGateway } from './helpers/gateway.js';
import { asBinary, asJson, sampleDocument } from './helpers/documents.js';

const gw = useGateway({ scope: 'each' });
let token: string;
const url = `/v1/upload?c=${CUSTOMER}&o=${CORPUS}`;

beforeEach(async () => {
  token = await gw.token();
});

const upload = (path = url) => request(gw.app).post(path).set('Authorization', `Bearer ${token}`);

describe('POST /v1/upload', () => {
  it('indexes a text file and answers the exact Vectara body', async () => {
    const res = await upload()
      .attach('file', Buffer.from('Hello, world.'), 'hello.txt')
      .field('doc_metadata', '{"source":"wiki"}');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ response: { status: {}, quotaConsumed: { numChars: '13', numMetadataChars: '17' } } });
  });

  it('returns the stored Document with d=true (sections numbered from 1, metadata merged)', async () => {
    const doc = sampleDocument('doc-d');
    const res = await request(gw.app)
      .post(`${url}&d=TRUE`)
      .set('Authorization', `Bearer ${token}`)
      .attach('file', asBinary(doc), 'doc.pb')
      .field('doc_metadata', '{"source":"wiki","lang":"fr"}');
    expect(res.status).toBe(200);
    expect(res.body.document).toEqual({
      documentId: 'doc-d',
      title: 'A title',
      metadataJson: '{"lang":"fr","source":"wiki"}',
      section: [
        { id: 1, title: 'Intro', text: 'First section text.', section: [{ id: 2, text: 'Nested text.', metadataJson: '{"page":1}' }] },
        { id: 3, text: 'Second section.' },
      ],
    });
    // title 7 + "Intro" 5 + 19 + 12 + 15 = 58; metadata 29 + 10 = 39
    expect(res.body.response.quotaConsumed).toEqual({ numChars: '58', numMetadataChars: '39' });
  });

  it.each(['false', '0', 'False'])('omits the document with d=%s', async (d) => {
    const res = await upload(`${url}&d=${d}`).attach('file', Buffer.from('x'), 'x.txt');
    expect(res.status).toBe(200);
    expect(res.body.document).toBeUndefined();
  });

  it('answers 400 for a d that is not a boolean', async () => {
    const res = await upload(`${url}&d=yes`).attach('file', Buffer.from('x'), 'x.txt');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ httpCode: 400, internalCode: 'INVALID_PARAMETER' });
  });

  it('serves the same handler at /upload (Python clients)', async () => {
    const res = await upload(`/upload?c=${CUSTOMER}&o=${CORPUS}`).attach('file', Buffer.from('alias'), 'alias.txt');
    expect(res.status).toBe(200);
    expect(await gw.store.findDocument({ customerId: CUSTOMER, corpusId: CORPUS, documentId: 'alias.txt' })).not.toBeNull();
  });

  it('reads c and o from form fields when the query has none (Vectara Node/Java samples)', async () => {
    const res = await upload('/v1/upload').field('c', CUSTOMER).field('o', CORPUS).attach('file', Buffer.from('fields'), 'f.txt');
    expect(res.status).toBe(200);
  });

  it('accepts query and form values that agree, and refuses ones that disagree', async () => {
    const agree = await upload().field('c', '0123456').attach('file', Buffer.from('a'), 'a.txt');
    expect(agree.status).toBe(200);
    const disagree = await upload().field('o', '152').attach('file', Buffer.from('b'), 'b.txt');
    expect(disagree.status).toBe(400);
    expect(disagree.body.details).toContain('o is 151 in the query but 152 in the form');
  });

  it.each([
    ['missing c', `/v1/upload?o=${CORPUS}`, 'missing c'],
    ['missing o', `/v1/upload?c=${CUSTOMER}`, 'missing o'],
    ['non-numeric c', `/v1/upload?c=abc&o=${CORPUS}`, 'c (customer id) must be a decimal number'],
    ['c = 0', `/v1/upload?c=0&o=${CORPUS}`, 'c (customer id)'],
    ['c above 2^63-1', `/v1/upload?c=9223372036854775808&o=${CORPUS}`, 'c (customer id)'],
    ['o above 2^32-1', `/v1/upload?c=${CUSTOMER}&o=4294967296`, 'o (corpus id)'],
    ['negative o', `/v1/upload?c=${CUSTOMER}&o=-1`, 'o (corpus id)'],
    ['repeated c', `/v1/upload?c=${CUSTOMER}&c=${CUSTOMER}&o=${CORPUS}`, 'c must be given once'],
  ])('answers 400 for %s', async (_name, path, details) => {
    const res = await upload(path).attach('file', Buffer.from('x'), 'x.txt');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ httpCode: 400, internalCode: 'INVALID_PARAMETER' });
    expect(res.body.details).toContain(details);
  });

  it.each([
    ['o twice in the form', '/v1/upload?c=' + CUSTOMER, [['o', CORPUS], ['o', '152']], 'o must be given once'],
    ['o twice in the form, same value', '/v1/upload?c=' + CUSTOMER, [['o', CORPUS], ['o', CORPUS]], 'o must be given once'],
    ['c twice in the form', '/v1/upload?o=' + CORPUS, [['c', CUSTOMER], ['c', CUSTOMER]], 'c must be given once'],
    ['d twice in the form', url, [['d', 'true'], ['d', 'false']], 'd must be given once'],
    ['o twice in the query', `/v1/upload?c=${CUSTOMER}&o=${CORPUS}&o=152`, [], 'o must be given once'],
    ['d twice in the query', `${url}&d=true&d=true`, [], 'd must be given once'],
    ['d in the query and the form, disagreeing', `${url}&d=true`, [['d', '0']], 'd is true in the query but false in the form'],
    ['c in the query and the form, disagreeing', url, [['c', '654321']], 'c is 123456 in the query but 654321 in the form'],
  ])('answers 400 INVALID_PARAMETER for %s, storing nothing', async (_name, path, fields, details) => {
    let req = upload(path);
    for (const [name, value] of fields) req = req.field(name!, value!);
    const res = await req.attach('file', Buffer.from('repeated'), 'repeated.txt');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ httpCode: 400, internalCode: 'INVALID_PARAMETER' });
    expect(res.body.details).toContain(details);
    expect(await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS })).toMatchObject({ usedDocs: 0 });
  });

  it('reads d from a form field when the query has none, and accepts a query and form d that agree', async () => {
    const fromForm = await upload().field('d', 'TRUE').attach('file', Buffer.from('form d'), 'form-d.txt');
    expect(fromForm.status).toBe(200);
    expect(fromForm.body.document).toMatchObject({ documentId: 'form-d.txt' });
    const agree = await upload(`${url}&d=1`).field('d', 'true').attach('file', Buffer.from('agree d'), 'agree-d.txt');
    expect(agree.status).toBe(200);
    expect(agree.body.document).toMatchObject({ documentId: 'agree-d.txt' });
    const bad = await upload().field('d', 'yes').attach('file', Buffer.from('bad d'), 'bad-d.txt');
    expect(bad.status).toBe(400);
    expect(bad.body.details).toContain('d must be true, false, 1 or 0');
  });

  it('accepts the largest ids in range', async () => {
    const big = '9223372036854775807';
    await gw.store.createCorpus({ customerId: big, corpusId: '4294967295', name: 'max' });
    const res = await request(gw.app)
      .post(`/v1/upload?c=${big}&o=4294967295`)
      .set('Authorization', `Bearer ${await gw.token({ customer_id: big, scope: 'corpus:write' })}`)
      .attach('file', Buffer.from('max'), 'max.txt');
    expect(res.status).toBe(200);
  });

  it('answers 400 naming the missing file part', async () => {
    const res = await upload().field('doc_metadata', '{}');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ internalCode: 'MISSING_FILE' });
    expect(res.body.details).toContain('"file"');
  });

  it('answers 400 for a "file" part without a filename', async () => {
    const res = await upload().field('file', 'just text');
    expect(res.status).toBe(400);
    expect(res.body.internalCode).toBe('MISSING_FILE');
  });

  it('answers 400 for two file parts', async () => {
    const res = await upload().attach('file', Buffer.from('a'), 'a.txt').attach('file', Buffer.from('b'), 'b.txt');
    expect(res.status).toBe(400);
    expect(res.body.internalCode).toBe('TOO_MANY_PARTS');
    expect(await gw.store.getUsage({ customerId: CUSTOMER })).toMatchObject({ usedDocs: 0 });
  });

  it('ignores unknown extra fields and file parts', async () => {
    const res = await upload()
      .field('extra', 'ignored')
      .attach('attachment', Buffer.from('ignored'), 'other.bin')
      .attach('file', Buffer.from('kept'), 'kept.txt');
    expect(res.status).toBe(200);
  });

  it('takes doc_metadata as a file part (Python requests) and under the doc-metadata alias', async () => {
    const asFile = await upload()
      .attach('doc_metadata', Buffer.from('{"from":"file-part"}'), { filename: 'blob', contentType: 'application/json' })
      .attach('file', Buffer.from('m1'), 'm1.txt');
    expect(asFile.status).toBe(200);
    expect(asFile.body.response.quotaConsumed.numMetadataChars).toBe(String('{"from":"file-part"}'.length));
    const alias = await upload(`${url}&d=true`).field('doc-metadata', '{"alias":true}').attach('file', Buffer.from('m2'), 'm2.txt');
    expect(alias.status).toBe(200);
    expect(alias.body.document.metadataJson).toBe('{"alias":true}');
  });

  it.each([
    ['not JSON', '{nope', 'doc_metadata is not valid JSON'],
    ['an array', '[1,2]', 'must be a JSON object, got an array'],
    ['a string', '"text"', 'must be a JSON object, got a string'],
    ['null', 'null', 'must be a JSON object, got null'],
  ])('answers 400 for doc_metadata that is %s', async (_name, value, details) => {
    const res = await upload().field('doc_metadata', value).attach('file', Buffer.from('x'), 'x.txt');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ internalCode: 'INVALID_METADATA' });
    expect(res.body.details).toContain(details);
  });

  it('answers 413 for doc_metadata over 64 KiB, as a field or as a file part', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(64 * 1024) });
    const field = await upload().field('doc_metadata', big).attach('file', Buffer.from('x'), 'x.txt');
    expect(field.status).toBe(413);
    expect(field.body.internalCode).toBe('METADATA_TOO_LARGE');
    const part = await upload().attach('doc_metadata', Buffer.from(big), 'meta.json').attach('file', Buffer.from('x'), 'x.txt');
    expect(part.status).toBe(413);
  });

  it('answers 415 with the supported types for other file types', async () => {
    const res = await upload().attach('file', Buffer.from([0x00, 0x01, 0x02, 0xfe, 0xff, 0x00]), 'blob.bin');
    expect(res.status).toBe(415);
    expect(res.body.internalCode).toBe('UNSUPPORTED_TYPE');
    expect(res.body.supportedTypes).toEqual(expect.arrayContaining([expect.stringContaining('.pb'), expect.stringContaining('.txt')]));
  });

  it('answers 400 for a corpus that does not exist for the customer', async () => {
    const res = await upload(`/v1/upload?c=${CUSTOMER}&o=999`).attach('file', Buffer.from('x'), 'x.txt');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ httpCode: 400, internalCode: 'CORPUS_NOT_FOUND', details: `corpus 999 does not exist for customer ${CUSTOMER}` });
  });

  it('answers 400 for .txt that is not UTF-8, and strips a BOM', async () => {
    const bad = await upload().attach('file', Buffer.from([0x48, 0xff, 0xfe, 0x49]), 'bad.txt');
    expect(bad.status).toBe(400);
    expect(bad.body.internalCode).toBe('INVALID_TEXT');
    const bom = await upload(`${url}&d=1`).attach('file', Buffer.from('\ufeffBOM text', 'utf8'), 'bom.txt');
    expect(bom.status).toBe(200);
    expect(bom.body.document.section[0].text).toBe('BOM text');
  });
});

describe('idempotency', () => {
  it('replays the same upload with 200 ALREADY_EXISTS and the original charge, charging nothing', async () => {
    const first = await upload().attach('file', Buffer.from('same'), 'same.txt').field('doc_metadata', '{"a":1,"b":2}');
    // Same metadata, other key order and spacing: the same upload.
    const again = await upload().attach('file', Buffer.from('same'), 'same.txt').field('doc_metadata', '{ "b": 2, "a": 1 }');
    expect(again.status).toBe(200);
    expect(again.body.response.status.code).toBe('ALREADY_EXISTS');
    expect(again.body.response.status.statusDetail).toContain('same.txt');
    expect(again.body.response.quotaConsumed).toEqual(first.body.response.quotaConsumed);
    expect(await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS })).toMatchObject({ usedDocs: 1, usedChars: 4 + 13 });
  });

  it('replays a Document upload and returns the stored document with d=true', async () => {
    const bytes = asJson(sampleDocument('replay-doc'));
    await upload().attach('file', bytes, 'a.json');
    const again = await upload(`${url}&d=true`).attach('file', bytes, 'renamed.json');
    expect(again.status).toBe(200);
    expect(again.body.response.status.code).toBe('ALREADY_EXISTS');
    expect(again.body.document.documentId).toBe('replay-doc');
  });

  it('answers 409 with the document id when the content differs, and changes nothing', async () => {
    await upload().attach('file', Buffer.from('one'), 'id.txt');
    const before = await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS });
    const res = await upload().attach('file', Buffer.from('two'), 'id.txt');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ httpCode: 409, internalCode: 'CONFLICT', document: { documentId: 'id.txt' } });
    expect(res.body.details).toContain("document id 'id.txt'");
    const metadataOnly = await upload().attach('file', Buffer.from('one'), 'id.txt').field('doc_metadata', '{"x":1}');
    expect(metadataOnly.status).toBe(409);
    expect(await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS })).toEqual(before);
  });

  it('answers 409 for a Document whose id holds other content', async () => {
    await upload().attach('file', asBinary(sampleDocument('dup')), 'dup.pb');
    const res = await upload().attach('file', asBinary(sampleDocument('dup', { title: 'changed' })), 'dup.pb');
    expect(res.status).toBe(409);
    expect(res.body.document).toEqual({ documentId: 'dup' });
  });
});

describe('unknown routes and methods', () => {
  it('answers 404 JSON for unknown routes', async () => {
    const res = await request(gw.app).get('/v2/nothing');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ httpCode: 404, internalCode: 'NOT_FOUND', details: 'no route for GET /v2/nothing' });
  });

  it.each(['get', 'put', 'delete'] as const)('answers 405 JSON with Allow for %s /v1/upload', async (method) => {
    const res = await request(gw.app)[method]('/v1/upload');
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('POST');
    expect(res.body).toMatchObject({ httpCode: 405, internalCode: 'METHOD_NOT_ALLOWED' });
  });
});
