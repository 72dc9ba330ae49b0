import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, type Config } from '../config/index.js';
import { RemoteKeySet } from './remote-key-set.js';

/** Where token signatures are verified from: exactly one source is in force. */
export type KeySource =
  | { readonly kind: 'jwks'; readonly url: URL; readonly keySet: RemoteKeySet; readonly algorithms: readonly string[] }
  | { readonly kind: 'public-key'; readonly key: crypto.KeyObject; readonly file: string; readonly algorithms: readonly string[] }
  | {
      readonly kind: 'secret';
      readonly secret: Uint8Array;
      readonly algorithms: readonly string[];
      /** Set when the secret is the generated development one. */
      readonly devSecretFile: string | null;
    };

export const DEV_SECRET_FILE = 'dev-jwt-secret';
const ASYMMETRIC_DEFAULT = ['RS256', 'ES256', 'EdDSA'];

/**
 * Resolves the configured key source. With nothing configured, a random development secret is
 * generated once and kept in DATA_DIR (mode 0600) so that tokens minted by `corpusgate token`
 * stay valid across restarts.
 */
export function resolveKeySource(config: Config): KeySource {
  const { jwt } = config;
  if (jwt.jwksUrl !== null) {
    const url = new URL(jwt.jwksUrl);
    return { kind: 'jwks', url, keySet: new RemoteKeySet(url), algorithms: jwt.algorithms ?? ASYMMETRIC_DEFAULT };
  }
  if (jwt.publicKeyFile !== null) {
    const key = readPublicKey(jwt.publicKeyFile);
    return { kind: 'public-key', key, file: jwt.publicKeyFile, algorithms: jwt.algorithms ?? ASYMMETRIC_DEFAULT };
  }
  if (jwt.secret !== null) {
    return { kind: 'secret', secret: Buffer.from(jwt.secret, 'utf8'), algorithms: jwt.algorithms ?? ['HS256'], devSecretFile: null };
  }
  const file = path.join(config.dataDir, DEV_SECRET_FILE);
  return { kind: 'secret', secret: Buffer.from(readOrCreateSecret(file), 'utf8'), algorithms: jwt.algorithms ?? ['HS256'], devSecretFile: file };
}

/**
 * The verification key of JWT_PUBLIC_KEY_FILE. A private key there is refused although Node
 * would derive the public half from it: a signing key on a verifier is a leak waiting to happen
 * (anyone who reads the gateway's files can mint tokens).
 */
function readPublicKey(file: string): crypto.KeyObject {
  let pem: Buffer;
  try {
    pem = fs.readFileSync(file);
  } catch (err) {
    throw new ConfigError([`JWT_PUBLIC_KEY_FILE ${file}: cannot read it (${(err as Error).message})`]);
  }
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem.toString('latin1'))) {
    throw new ConfigError([`JWT_PUBLIC_KEY_FILE ${file} holds a private key: give the gateway only the public key (e.g. openssl pkey -in key.pem -pubout)`]);
  }
  try {
    return crypto.createPublicKey(pem);
  } catch (err) {
    throw new ConfigError([`JWT_PUBLIC_KEY_FILE ${file}: cannot read a PEM public key (${(err as Error).message})`]);
  }
}

function readOrCreateSecret(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    // 'wx' fails when the file exists, so two processes starting at once agree on one secret.
    fs.writeFileSync(file, crypto.randomBytes(48).toString('base64url') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${file}: the development JWT secret is too short; delete the file to regenerate it`);
  return secret;
}
