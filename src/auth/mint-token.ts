import * as jose from 'jose';
import type { Config } from '../config/index.js';
import type { KeySource } from './key-source.js';
import { WRITE_SCOPE } from './authorize.js';

export interface MintOptions {
  readonly customerId: string;
  readonly corpusIds?: readonly string[];
  readonly ttlSeconds: number;
  readonly subject?: string;
  readonly scope?: string;
}

/** Signs a development token with the configured secret; public-key sources cannot sign. */
export async function mintToken(source: KeySource, jwt: Config['jwt'], options: MintOptions): Promise<string> {
  if (source.kind !== 'secret') {
    throw new Error(
      `cannot mint tokens: the gateway verifies with ${source.kind === 'jwks' ? 'JWT_JWKS_URL' : 'JWT_PUBLIC_KEY_FILE'}; ` +
        'tokens come from your identity provider',
    );
  }
  const alg = source.algorithms[0] ?? 'HS256';
  const builder = new jose.SignJWT({
    customer_id: options.customerId,
    scope: options.scope ?? WRITE_SCOPE,
    ...(options.corpusIds && options.corpusIds.length > 0 ? { corpus_ids: options.corpusIds.map(Number) } : {}),
  })
    .setProtectedHeader({ alg, typ: 'JWT' })
    .setSubject(options.subject ?? 'corpusgate-dev')
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + options.ttlSeconds);
  if (jwt.issuer !== null) builder.setIssuer(jwt.issuer);
  if (jwt.audience !== null) builder.setAudience(jwt.audience);
  return builder.sign(source.secret);
}

/** "90s", "15m", "1h", "7d" or plain seconds. */
export function parseTtl(text: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!m) throw new Error(`invalid --ttl "${text}": use e.g. 90s, 15m, 1h or 7d`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  const seconds = Number(m[1]) * unit;
  if (seconds < 1) throw new Error('--ttl must be at least one second');
  return seconds;
}
