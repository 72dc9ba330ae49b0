import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as jose from 'jose';

export interface RsaIssuer {
  readonly kid: string;
  readonly privateKey: jose.CryptoKey;
  readonly publicKey: jose.CryptoKey;
  readonly publicPem: string;
}

export async function rsaIssuer(kid = 'test-key-1'): Promise<RsaIssuer> {
  const { privateKey, publicKey } = await jose.generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicKey, publicPem: await jose.exportSPKI(publicKey) };
}

/** A local JWKS endpoint; `keys` may be changed between requests, `hits` counts fetches. */
export interface JwksServer {
  readonly url: string;
  keys: jose.JWK[];
  hits: number;
  close(): Promise<void>;
}

export async function startJwksServer(issuers: RsaIssuer[]): Promise<JwksServer> {
  const keys = await Promise.all(issuers.map(async (i) => ({ ...(await jose.exportJWK(i.publicKey)), kid: i.kid, alg: 'RS256', use: 'sig' })));
  const state = { keys: keys as jose.JWK[], hits: 0 };
  const server = http.createServer((_req, res) => {
    state.hits++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as JwksServer;
}

export interface Claims {
  customer_id?: string | number;
  scope?: unknown;
  corpus_ids?: unknown;
  [key: string]: unknown;
}

export const WRITE_CLAIMS = (customerId: string | number = '123456'): Claims => ({ customer_id: customerId, scope: 'corpus:write' });

export async function signRs256(
  issuer: RsaIssuer,
  claims: Claims,
  opts: { exp?: number | string; nbf?: number | string; iss?: string; aud?: string; kid?: string; noExp?: boolean } = {},
): Promise<string> {
  const jwt = new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? issuer.kid })
    .setSubject('test-client')
    .setIssuedAt();
  if (!opts.noExp) jwt.setExpirationTime(opts.exp ?? '10m');
  if (opts.nbf !== undefined) jwt.setNotBefore(opts.nbf);
  if (opts.iss) jwt.setIssuer(opts.iss);
  if (opts.aud) jwt.setAudience(opts.aud);
  return jwt.sign(issuer.privateKey);
}

export async function signHs256(secret: string | Uint8Array, claims: Claims, exp: number | string = '10m'): Promise<string> {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return new jose.SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('test-client').setIssuedAt().setExpirationTime(exp).sign(key);
}

/** An unsigned token (alg "none"), as an attacker would craft it. */
export function unsignedToken(claims: Claims): string {
  return new jose.UnsecuredJWT(claims).setSubject('attacker').setIssuedAt().setExpirationTime('10m').encode();
}
