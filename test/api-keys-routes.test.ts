import request from 'supertest';
import { CORPUS, CUSTOMER, useGateway } from './helpers/gateway.js';

const gw = useGateway({ scope: 'each' });
const OTHER_CORPUS = '152';
const KEY_ID = /^[0-9a-f]{16}$/;

beforeEach(async () => {
  await gw.store.createCorpus({ customerId: CUSTOMER, corpusId: OTHER_CORPUS, name: 'second' });
});

const uploadWithKey = (key: string, corpus = CORPUS) =>
  request(gw.app).post(`/v1/upload?c=${CUSTOMER}&o=${corpus}`).set('x-api-key', key).attach('file', Buffer.from('text of a key test'), `k-${Math.random()}.txt`);

async function createKey(adminKey: string, body: Record<string, unknown>) {
  return request(gw.app).post('/v2/api-keys').set('x-api-key', adminKey).send(body);
}

describe('/v2/api-keys', () => {
  it('creates a key that is shown once and works for upload in its corpus only', async () => {
    const admin = await gw.apiKey('admin');
    const created = await createKey(admin.key, { role: 'index', corpus_ids: [Number(CORPUS)], name: 'ingest bot' });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^cgk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.body.api_key).toMatchObject({
      customer_id: CUSTOMER, role: 'index', corpus_ids: [CORPUS], name: 'ingest bot', expires_at: null, revoked_at: null, state: 'active',
    });
    expect(created.body.key.startsWith(`cgk_${created.body.api_key.id}_`)).toBe(true);
    expect((await uploadWithKey(created.body.key)).status).toBe(200);
    expect((await uploadWithKey(created.body.key, OTHER_CORPUS)).status).toBe(403);
  });

  it('lists the customer\'s keys newest first, never with their secret', async () => {
    const admin = await gw.apiKey('admin');
    const created = await createKey(admin.key, { role: 'query' });
    const listed = await request(gw.app).get('/v2/api-keys').set('x-api-key', admin.key);
    expect(listed.status).toBe(200);
    expect(listed.body.api_keys.map((k: { id: string }) => k.id)).toEqual(expect.arrayContaining([admin.keyId, created.body.api_key.id]));
    for (const key of listed.body.api_keys) {
      expect(key.id).toMatch(KEY_ID);
      expect(Object.keys(key).sort()).toEqual(['corpus_ids', 'created_at', 'customer_id', 'expires_at', 'id', 'name', 'revoked_at', 'role', 'state']);
    }
    const secret = (created.body.key as string).split('_').pop()!;
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(JSON.stringify(listed.body)).not.toMatch(/cgk_/);
  });

  it('revokes by the id as listed or by the key\'s start; the key then gets 401', async () => {
    const admin = await gw.apiKey('admin');
    for (const name of ['by id', 'by start']) {
      const created = await createKey(admin.key, { role: 'index', name });
      expect((await uploadWithKey(created.body.key)).status).toBe(200);
      const id = created.body.api_key.id as string;
      const revoked = await request(gw.app).delete(`/v2/api-keys/${name === 'by id' ? id : `cgk_${id}`}`).set('x-api-key', admin.key);
      expect(revoked.status).toBe(200);
      expect(revoked.body).toMatchObject({ id, state: 'revoked', revoked_at: expect.any(String) });
      const refused = await uploadWithKey(created.body.key);
      expect(refused.status).toBe(401);
      expect(refused.body.details).toContain('revoked');
    }
    const listed = await request(gw.app).get('/v2/api-keys').set('x-api-key', admin.key);
    expect(listed.body.api_keys.filter((k: { state: string }) => k.state === 'revoked')).toHaveLength(2);
  });

  it('works with an admin JWT of the customer as with an admin key', async () => {
    const token = await gw.token({ customer_id: CUSTOMER, scope: 'corpus:admin' });
    const created = await request(gw.app).post('/v2/api-keys').set('Authorization', `Bearer ${token}`).send({ role: 'admin', expires_at: '2999-01-01' });
    expect(created.status).toBe(201);
    expect(created.body.api_key).toMatchObject({ role: 'admin', corpus_ids: null, expires_at: '2999-01-01T00:00:00.000Z' });
    const listed = await request(gw.app).get('/v2/api-keys').set('Authorization', `Bearer ${token}`);
    expect(listed.body.api_keys.map((k: { id: string }) => k.id)).toContain(created.body.api_key.id);
  });

  it('answers 403 to credentials that are not admins of the whole customer', async () => {
    const query = await gw.apiKey('query');
    const corpusAdmin = await gw.apiKey('admin', { corpusIds: [CORPUS] });
    const writeToken = await gw.token();
    for (const auth of [{ 'x-api-key': query.key }, { 'x-api-key': corpusAdmin.key }, { authorization: `Bearer ${writeToken}` }]) {
      const list = await request(gw.app).get('/v2/api-keys').set(auth);
      expect(list.status).toBe(403);
      expect(list.body.internalCode).toBe('PERMISSION_DENIED');
      expect((await request(gw.app).post('/v2/api-keys').set(auth).send({ role: 'admin' })).status).toBe(403);
      expect((await request(gw.app).delete(`/v2/api-keys/${query.keyId}`).set(auth)).status).toBe(403);
    }
    expect((await request(gw.app).get('/v2/api-keys')).status).toBe(401);
    // Nothing was revoked by the refused attempts.
    expect((await uploadWithKey(corpusAdmin.key)).status).toBe(200);
  });

  it("answers 404 for another customer's key and for ids that name no key, and revokes nothing", async () => {
    const admin = await gw.apiKey('admin');
    const stranger = await gw.apiKey('admin', { customerId: '777' });
    await gw.store.createCorpus({ customerId: '777', corpusId: CORPUS, name: 'theirs' });
    for (const id of [stranger.keyId, `cgk_${stranger.keyId}`, '0123456789abcdef', 'not-a-key']) {
      const res = await request(gw.app).delete(`/v2/api-keys/${id}`).set('x-api-key', admin.key);
      expect(res.status).toBe(404);
      expect(res.body.internalCode).toBe('API_KEY_NOT_FOUND');
    }
    expect((await gw.store.getApiKey(stranger.keyId))?.revokedAt).toBeNull();
    // Nor is it listed.
    const listed = await request(gw.app).get('/v2/api-keys').set('x-api-key', admin.key);
    expect(listed.body.api_keys.map((k: { id: string }) => k.id)).not.toContain(stranger.keyId);
  });

  it('answers 400 to a bad role, corpus, name or expiry', async () => {
    const admin = await gw.apiKey('admin');
    for (const body of [
      {},
      { role: 'root' },
      { role: 'index', corpus_ids: 'all' },
      { role: 'index', corpus_ids: ['x'] },
      { role: 'index', name: 42 },
      { role: 'index', expires_at: 'next week' },
      { role: 'index', expires_at: '2001-01-01' },
      { role: 'extractions' },
    ]) {
      const res = await createKey(admin.key, body);
      expect([res.status, res.body.internalCode]).toEqual([400, 'INVALID_PARAMETER']);
    }
    const notJson = await request(gw.app).post('/v2/api-keys').set('x-api-key', admin.key).set('content-type', 'application/json').send('[1]');
    expect(notJson.status).toBe(400);
  });
});
