import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { closeTestIssuer, CORPUS, CUSTOMER, startGateway, testIssuer, useGateway, type TestGateway } from './helpers/gateway.js';
import { rsaIssuer, signHs256, signRs256, startJwksServer, unsignedToken, WRITE_CLAIMS } from './helpers/keys.js';

const url = `/v1/upload?c=${CUSTOMER}&o=${CORPUS}`;
/**
 * The gateway a test of 'other key sources' or 'an unreachable JWKS' starts itself, each with its
 * own key source. One issuer for the whole file: the fixtures below leave it to afterAll here.
 */
let gw: TestGateway;

afterEach(async () => {
  const closing = gw;
  gw = undefined as unknown as TestGateway;
  await closing?.close();
});
afterAll(() => closeTestIssuer());

function uploadWithApp(app: TestGateway['app'], authorization: string | undefined, name = 'a.txt') {
  const req = request(app).post(url);
  if (authorization !== undefined) req.set('Authorization', authorization);
  return req.attach('file', Buffer.from(`content of ${name}`), name);
}

const uploadWith = uploadWithApp;

function expectInvalidToken(res: request.Response, details?: string) {
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toContain('Bearer');
  expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  expect(res.body).toMatchObject({ httpCode: 401, internalCode: 'UNAUTHENTICATED' });
  if (details) expect(res.body.details).toContain(details);
}

describe('JWT verified against a JWKS (RS256)', () => {
  const gw = useGateway({ scope: 'each', closeIssuer: false });

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
  const gw = useGateway({ scope: 'each', env: { JWT_ISSUER: 'https://idp.example', JWT_AUDIENCE: 'corpusgate' }, closeIssuer: false });

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

/** PEM files of this suite, in one temporary folder removed at the end. */
const pemDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-pem-'));
let pemCount = 0;
const pemPath = (): string => path.join(pemDir, `key-${++pemCount}.pem`);
afterAll(() => fs.rmSync(pemDir, { recursive: true, force: true }));

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
    const pemFile = pemPath();
    fs.writeFileSync(pemFile, issuer.publicPem);
    gw = await startGateway({ JWT_JWKS_URL: '', JWT_PUBLIC_KEY_FILE: pemFile });
    expect((await uploadWith(gw.app, `Bearer ${await signRs256(issuer, WRITE_CLAIMS())}`)).status).toBe(200);
    expectInvalidToken(await uploadWith(gw.app, `Bearer ${await signHs256(issuer.publicPem, WRITE_CLAIMS())}`, 'd.txt'));
  });

});

/** Issue 11 item 1: a restricting claim that cannot be read restricts everything. */
describe('strict claims, with every key source', () => {
  const secret = 'a-development-secret-that-is-long-enough!';
  type Signer = (claims: Record<string, unknown>) => Promise<string>;
  const sources: Array<[string, () => Promise<{ env: Record<string, string>; sign: Signer }>]> = [
    ['JWKS (RS256)', async () => {
      const { issuer } = await testIssuer();
      return { env: {}, sign: (c) => signRs256(issuer, c) };
    }],
    ['PEM key file (RS256)', async () => {
      const { issuer } = await testIssuer();
      const pemFile = pemPath();
      fs.writeFileSync(pemFile, issuer.publicPem);
      return { env: { JWT_JWKS_URL: '', JWT_PUBLIC_KEY_FILE: pemFile }, sign: (c) => signRs256(issuer, c) };
    }],
    ['JWT_SECRET (HS256)', async () => ({ env: { JWT_JWKS_URL: '', JWT_SECRET: secret }, sign: (c) => signHs256(secret, c) })],
  ];

  describe.each(sources)('%s', (_name, setup) => {
    let sign: Signer;
    const strict = useGateway({
      closeIssuer: false,
      env: async () => {
        const s = await setup();
        sign = s.sign;
        return s.env;
      },
    });
    const uploadWith = (_app: unknown, authorization: string, name: string) => uploadWithApp(strict.app, authorization, name);
    const stored = (name: string) => strict.store.getDocument({ customerId: CUSTOMER, corpusId: CORPUS, documentId: name });

    it.each([
      ['a string', '152'],
      ['a number', 152],
      ['a space-separated string', '152 153'],
      ['an object', { 0: 152 }],
      ['null', null],
      ['an array holding an object', [{ id: 151 }]],
      ['an array holding a non-id', ['151', 'x']],
      ['an array holding 0', [0, 151]],
      ['an array holding a fraction', [151.5]],
    ])('answers 401 when corpus_ids is %s, and writes nothing', async (_what, corpusIds) => {
      const res = await uploadWith(null, `Bearer ${await sign({ ...WRITE_CLAIMS(), corpus_ids: corpusIds })}`, 'bypass.txt');
      expectInvalidToken(res, 'invalid corpus_ids claim');
      expect(await stored('bypass.txt')).toBeNull();
    });

    it('honours an array of ids as numbers or decimal strings; an empty array allows nothing', async () => {
      expect((await uploadWith(null, `Bearer ${await sign({ ...WRITE_CLAIMS(), corpus_ids: [151] })}`, 'n.txt')).status).toBe(200);
      expect((await uploadWith(null, `Bearer ${await sign({ ...WRITE_CLAIMS(), corpus_ids: ['151'] })}`, 's.txt')).status).toBe(200);
      const other = await uploadWith(null, `Bearer ${await sign({ ...WRITE_CLAIMS(), corpus_ids: ['152'] })}`, 'o.txt');
      expect(other.status).toBe(403);
      const none = await uploadWith(null, `Bearer ${await sign({ ...WRITE_CLAIMS(), corpus_ids: [] })}`, 'e.txt');
      expect(none.status).toBe(403);
      expect(none.body.details).toContain(`corpus ${CORPUS}`);
    });

    it.each([
      ['a number', 1],
      ['null', null],
      ['an object', { write: true }],
      ['an array holding a number', ['corpus:write', 2]],
    ])('answers 401 when scope is %s', async (_what, scope) => {
      expectInvalidToken(await uploadWith(null, `Bearer ${await sign({ customer_id: CUSTOMER, scope })}`, 'scope.txt'), 'invalid scope claim');
    });

    it('reads scope as a space-separated string or an array of strings', async () => {
      expect((await uploadWith(null, `Bearer ${await sign({ customer_id: CUSTOMER, scope: ['corpus:read', 'corpus:write'] })}`, 'a1.txt')).status).toBe(200);
      expect((await uploadWith(null, `Bearer ${await sign({ customer_id: CUSTOMER, scope: 'corpus:read  corpus:write' })}`, 'a2.txt')).status).toBe(200);
      expect((await uploadWith(null, `Bearer ${await sign({ customer_id: CUSTOMER, scope: ['corpus:read corpus:write'] })}`, 'a3.txt')).status).toBe(403);
    });

    it('accepts a token only in its one canonical form', async () => {
      const token = await sign(WRITE_CLAIMS());
      const [h, p, s] = token.split('.') as [string, string, string];
      const variants = [
        `${token}=`,
        `${h}.${p}=.${s}`,
        `${h}=.${p}.${s}`,
        `${h}.${p}.${s}==`,
        `${h}.${p.replace(/-/g, '+').replace(/_/g, '/')}.${s.replace(/-/g, '+').replace(/_/g, '/')}`,
        `${h}.${p}.${s}.`,
      ].filter((v) => v !== token);
      for (const variant of variants) expectInvalidToken(await uploadWith(null, `Bearer ${variant}`, 'variant.txt'), 'malformed token');
      expect(await stored('variant.txt')).toBeNull();
      expect((await uploadWith(null, `Bearer ${token}`, 'canonical.txt')).status).toBe(200);
    });

    it('refuses a signature whose last character carries stray bits', async () => {
      const token = await sign(WRITE_CLAIMS());
      const [h, p, s] = token.split('.') as [string, string, string];
      // A 256-bit HMAC or 2048-bit RSA signature leaves unused low bits in the last character;
      // flipping one of them decodes to the same bytes, which jose alone accepts.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(s.at(-1)!);
      const tweaked = `${h}.${p}.${s.slice(0, -1)}${alphabet[last ^ 1]}`;
      expect(Buffer.from(tweaked.split('.')[2]!, 'base64url').equals(Buffer.from(s, 'base64url'))).toBe(true);
      expectInvalidToken(await uploadWith(null, `Bearer ${tweaked}`, 'bits.txt'), 'malformed token');
    });
  });
});

/** Issue 11 item 8: a JWKS that cannot be fetched is the gateway's trouble (503), not the token's. */
describe('an unreachable JWKS', () => {
  async function closedPortUrl(): Promise<string> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return `http://127.0.0.1:${port}/.well-known/jwks.json`;
  }

  it('answers a valid token 503 UNAVAILABLE with Retry-After, and /readyz says why', async () => {
    gw = await startGateway({ JWT_JWKS_URL: await closedPortUrl() });
    const { issuer } = await testIssuer();
    const res = await uploadWith(gw.app, `Bearer ${await signRs256(issuer, WRITE_CLAIMS())}`, 'jwks-down.txt');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ internalCode: 'UNAVAILABLE' });
    expect(res.body.details).toContain('cannot be fetched');
    expect(res.headers['retry-after']).toBe('5');
    const ready = await request(gw.app).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.jwks).toMatch(/cannot be fetched: ECONNREFUSED/);
  });

  it('answers 503 when the JWKS URL serves something that is not a key set', async () => {
    const server = http.createServer((_req, res) => res.writeHead(500).end('down for maintenance'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      gw = await startGateway({ JWT_JWKS_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks` });
      const { issuer } = await testIssuer();
      const res = await uploadWith(gw.app, `Bearer ${await signRs256(issuer, WRITE_CLAIMS())}`, 'jwks-500.txt');
      expect(res.status).toBe(503);
      expect((await request(gw.app).get('/readyz')).body.checks.jwks).toMatch(/cannot be fetched/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('still answers a forged or malformed token 401 while the JWKS is down', async () => {
    gw = await startGateway({ JWT_JWKS_URL: await closedPortUrl() });
    expectInvalidToken(await uploadWith(gw.app, 'Bearer not.a.jwt'));
    expectInvalidToken(await uploadWith(gw.app, `Bearer ${unsignedToken(WRITE_CLAIMS())}`));
  });

  it('keeps verifying with cached keys, and /readyz stays ready, when the JWKS goes down later', async () => {
    const issuer = await rsaIssuer('cached-key');
    const jwks = await startJwksServer([issuer]);
    gw = await startGateway({ JWT_JWKS_URL: jwks.url });
    expect((await uploadWith(gw.app, `Bearer ${await signRs256(issuer, WRITE_CLAIMS())}`, 'first.txt')).status).toBe(200);
    await jwks.close();
    expect((await uploadWith(gw.app, `Bearer ${await signRs256(issuer, WRITE_CLAIMS())}`, 'second.txt')).status).toBe(200);
    expect((await request(gw.app).get('/readyz')).body.checks.jwks).toBe('ok');
  });
});
