import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { closeTestIssuer, CORPUS, CUSTOMER, startGateway, testIssuer, type TestGateway } from './helpers/gateway.js';
import { rsaIssuer, signHs256, signRs256, unsignedToken, WRITE_CLAIMS } from './helpers/keys.js';

const url = `/v1/upload?c=${CUSTOMER}&o=${CORPUS}`;
let gw: TestGateway;

afterEach(() => gw?.close());
afterAll(() => closeTestIssuer());

function uploadWith(app: TestGateway['app'], authorization: string | undefined, name = 'a.txt') {
  const req = request(app).post(url);
  if (authorization !== undefined) req.set('Authorization', authorization);
  return req.attach('file', Buffer.from(`content of ${name}`), name);
}

function expectInvalidToken(res: request.Response, details?: string) {
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toContain('Bearer');
  expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  expect(res.body).toMatchObject({ httpCode: 401, internalCode: 'UNAUTHENTICATED' });
  if (details) expect(res.body.details).toContain(details);
}

describe('JWT verified against a JWKS (RS256)', () => {
  beforeEach(async () => {
    gw = await startGateway();
  });

  it('accepts a valid token', async () => {
    expect((await uploadWith(gw.app, `Bearer ${await gw.token()}`)).status).toBe(200);
  });

  it('answers 401 without a token, or with another scheme', async () => {
    expectInvalidToken(await uploadWith(gw.app, undefined), 'missing credentials');
    expectInvalidToken(await uploadWith(gw.app, 'Basic dXNlcjpwYXNz'), 'missing credentials');
  });

  it('answers 401 for a malformed token', async () => {
    expectInvalidToken(await uploadWith(gw.app, 'Bearer not.a.jwt'));
  });

  it('refuses alg "none"', async () => {
    expectInvalidToken(await uploadWith(gw.app, `Bearer ${unsignedToken(WRITE_CLAIMS())}`));
  });

  it('refuses HS256 signed with the RSA public key (algorithm confusion)', async () => {
    const { issuer } = await testIssuer();
    const forged = await signHs256(issuer.publicPem, WRITE_CLAIMS());
    expectInvalidToken(await uploadWith(gw.app, `Bearer ${forged}`), 'algorithm not allowed');
  });

  it('refuses a token signed by another key under the known kid', async () => {
    const other = await rsaIssuer('test-key-1');
    expectInvalidToken(await uploadWith(gw.app, `Bearer ${await signRs256(other, WRITE_CLAIMS())}`), 'signature verification failed');
  });

  it('refuses an expired token, beyond the 30 s clock tolerance', async () => {
    const { issuer } = await testIssuer();
    const now = Math.floor(Date.now() / 1000);
    expectInvalidToken(await uploadWith(gw.app, `Bearer ${await signRs256(issuer, WRITE_CLAIMS(), { exp: now - 60 })}`), 'expired');
    const withinTolerance = await signRs256(issuer, WRITE_CLAIMS(), { exp: now - 10 });
    expect((await uploadWith(gw.app, `Bearer ${withinTolerance}`)).status).toBe(200);
  });

  it('requires exp', async () => {
    const { issuer } = await testIssuer();
    expectInvalidToken(await uploadWith(gw.app, `Bearer ${await signRs256(issuer, WRITE_CLAIMS(), { noExp: true })}`), '"exp"');
  });

  it('honours nbf', async () => {
    const { issuer } = await testIssuer();
    const now = Math.floor(Date.now() / 1000);
    expectInvalidToken(await uploadWith(gw.app, `Bearer ${await signRs256(issuer, WRITE_CLAIMS(), { nbf: now + 120 })}`), '"nbf"');
  });

  it('refuses an unknown kid and refetches the JWKS at most once per 30 s', async () => {
    const { jwks } = await testIssuer();
    expect((await uploadWith(gw.app, `Bearer ${await gw.token()}`)).status).toBe(200);
    const hitsAfterFirst = jwks.hits;
    const stranger = await rsaIssuer('rotated-key-2');
    for (let i = 0; i < 5; i++) {
      expectInvalidToken(await uploadWith(gw.app, `Bearer ${await signRs256(stranger, WRITE_CLAIMS())}`, `u${i}.txt`), 'unknown kid');
    }
    expect(jwks.hits - hitsAfterFirst).toBeLessThanOrEqual(1);
  });

  it('answers 403 for a token of another customer', async () => {
    const res = await uploadWith(gw.app, `Bearer ${await gw.token(WRITE_CLAIMS('999'))}`);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ httpCode: 403, internalCode: 'PERMISSION_DENIED' });
    expect(res.body.details).toContain(`customer ${CUSTOMER}`);
  });

  it('answers 403 for a token without customer_id', async () => {
    expect((await uploadWith(gw.app, `Bearer ${await gw.token({ scope: 'corpus:write' })}`)).status).toBe(403);
  });

  it('answers 403 without the corpus:write scope and accepts it among other scopes', async () => {
    const readOnly = await uploadWith(gw.app, `Bearer ${await gw.token({ customer_id: CUSTOMER, scope: 'corpus:read' })}`);
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.details).toContain('corpus:write');
    const several = await uploadWith(gw.app, `Bearer ${await gw.token({ customer_id: Number(CUSTOMER), scope: 'corpus:read corpus:write' })}`);
    expect(several.status).toBe(200);
  });

  it('restricts corpora with corpus_ids', async () => {
    const other = await uploadWith(gw.app, `Bearer ${await gw.token({ ...WRITE_CLAIMS(), corpus_ids: [152] })}`);
    expect(other.status).toBe(403);
    expect(other.body.details).toContain(`corpus ${CORPUS}`);
    const allowed = await uploadWith(gw.app, `Bearer ${await gw.token({ ...WRITE_CLAIMS(), corpus_ids: ['151', 7] })}`);
    expect(allowed.status).toBe(200);
  });

  it('checks the customer named in form fields too', async () => {
    const res = await request(gw.app)
      .post('/v1/upload')
      .set('Authorization', `Bearer ${await gw.token(WRITE_CLAIMS('999'))}`)
      .field('c', CUSTOMER)
      .field('o', CORPUS)
      .attach('file', Buffer.from('x'), 'x.txt');
    expect(res.status).toBe(403);
  });
});

describe('issuer and audience', () => {
  beforeEach(async () => {
    gw = await startGateway({ JWT_ISSUER: 'https://idp.example', JWT_AUDIENCE: 'corpusgate' });
  });

  it('accepts the configured iss and aud and refuses others', async () => {
    const { issuer } = await testIssuer();
    const good = await signRs256(issuer, WRITE_CLAIMS(), { iss: 'https://idp.example', aud: 'corpusgate' });
    expect((await uploadWith(gw.app, `Bearer ${good}`)).status).toBe(200);
    const wrongIss = await signRs256(issuer, WRITE_CLAIMS(), { iss: 'https://evil.example', aud: 'corpusgate' });
    expectInvalidToken(await uploadWith(gw.app, `Bearer ${wrongIss}`), '"iss"');
    const wrongAud = await signRs256(issuer, WRITE_CLAIMS(), { iss: 'https://idp.example', aud: 'other' });
    expectInvalidToken(await uploadWith(gw.app, `Bearer ${wrongAud}`), '"aud"');
    const missing = await signRs256(issuer, WRITE_CLAIMS());
    expectInvalidToken(await uploadWith(gw.app, `Bearer ${missing}`));
  });
});

describe('other key sources', () => {
  it('verifies HS256 with JWT_SECRET and refuses RS256 there', async () => {
    const secret = 'a-development-secret-that-is-long-enough!';
    gw = await startGateway({ JWT_JWKS_URL: '', JWT_SECRET: secret });
    expect((await uploadWith(gw.app, `Bearer ${await signHs256(secret, WRITE_CLAIMS())}`)).status).toBe(200);
    expectInvalidToken(await uploadWith(gw.app, `Bearer ${await signHs256('another-secret-that-is-long-enough-too', WRITE_CLAIMS())}`, 'b.txt'));
    const { issuer } = await testIssuer();
    expectInvalidToken(await uploadWith(gw.app, `Bearer ${await signRs256(issuer, WRITE_CLAIMS())}`, 'c.txt'));
  });

  it('verifies with a PEM public key file', async () => {
    const { issuer } = await testIssuer();
    const pemFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-pem-')), 'public.pem');
    fs.writeFileSync(pemFile, issuer.publicPem);
    gw = await startGateway({ JWT_JWKS_URL: '', JWT_PUBLIC_KEY_FILE: pemFile });
    expect((await uploadWith(gw.app, `Bearer ${await signRs256(issuer, WRITE_CLAIMS())}`)).status).toBe(200);
    expectInvalidToken(await uploadWith(gw.app, `Bearer ${await signHs256(issuer.publicPem, WRITE_CLAIMS())}`, 'd.txt'));
  });
});
