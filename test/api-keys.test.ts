import request from 'supertest';
import { CORPUS, CUSTOMER, useGateway } from './helpers/gateway.js';

const gw = useGateway({ scope: 'each' });
const url = `/v1/upload?c=${CUSTOMER}&o=${CORPUS}`;

beforeEach(async () => {
  await gw.store.createCorpus({ customerId: CUSTOMER, corpusId: '152', name: 'second' });
});

const uploadWithKey = (key: string, path = url) =>
  request(gw.app).post(path).set('x-api-key', key).attach('file', Buffer.from(`text for ${path}`), `k-${Math.random()}.txt`);

describe('API keys (x-api-key)', () => {
  it('lets an index key upload, with or without a matching customer-id header', async () => {
    const { key, keyId } = await gw.apiKey('index');
    const res = await uploadWithKey(key);
    expect(res.status).toBe(200);
    const withHeader = await uploadWithKey(key).set('customer-id', CUSTOMER);
    expect(withHeader.status).toBe(200);
    const page = await gw.store.listDocuments({ customerId: CUSTOMER, corpusId: CORPUS }, { limit: 10 });
    expect(page.documents.map((d) => d.provenance.uploader)).toEqual([`apikey:${keyId}`, `apikey:${keyId}`]);
  });

  it('answers 400 when the customer-id header and c disagree', async () => {
    const { key } = await gw.apiKey('index');
    const res = await uploadWithKey(key).set('customer-id', '999');
    expect(res.status).toBe(400);
    expect(res.body.details).toContain('customer-id');
  });

  it('answers 403 to a query key uploading', async () => {
    const { key } = await gw.apiKey('query');
    const res = await uploadWithKey(key);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ internalCode: 'PERMISSION_DENIED' });
    expect(res.body.details).toContain('corpus:write');
  });

  it('limits a key to its corpora and to its customer', async () => {
    const { key } = await gw.apiKey('index', { corpusIds: ['152'] });
    expect((await uploadWithKey(key)).status).toBe(403);
    expect((await uploadWithKey(key, `/v1/upload?c=${CUSTOMER}&o=152`)).status).toBe(200);
    const other = await gw.apiKey('admin', { customerId: '777' });
    expect((await uploadWithKey(other.key)).status).toBe(403);
  });

  it('answers 401 to a revoked, expired, unknown or malformed key', async () => {
    const revoked = await gw.apiKey('admin');
    expect((await uploadWithKey(revoked.key)).status).toBe(200);
    await gw.store.revokeApiKey(revoked.keyId, new Date().toISOString());
    const expired = await gw.apiKey('admin', { expiresAt: new Date(Date.now() - 1000).toISOString() });
    const tampered = revoked.key.slice(0, -4) + (revoked.key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const unknown = 'cgk_0123456789abcdef_' + 'A'.repeat(43);
    for (const [key, details] of [
      [revoked.key, 'revoked'],
      [expired.key, 'expired'],
      [tampered, 'invalid API key'],
      [unknown, 'invalid API key'],
      ['not-a-key', 'invalid API key'],
    ] as const) {
      const res = await uploadWithKey(key);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toContain('invalid_token');
      expect(res.body).toMatchObject({ internalCode: 'UNAUTHENTICATED' });
      expect(res.body.details).toContain(details);
    }
  });

  it('refuses a request carrying both a token and a key', async () => {
    const { key } = await gw.apiKey('index');
    const res = await uploadWithKey(key).set('Authorization', `Bearer ${await gw.token()}`);
    expect(res.status).toBe(401);
    expect(res.body.details).toContain('not both');
  });

  it('keeps only a hash of the secret', async () => {
    const { key, keyId } = await gw.apiKey('index');
    const record = await gw.store.getApiKey(keyId);
    expect(record?.secretSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(record)).not.toContain(key.split('_').pop());
  });
});
