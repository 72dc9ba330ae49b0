import { UsageError } from '../args.js';

/**
 * Where the gateway is and how to prove who we are. Client-side settings, not server config:
 * read here from the environment of the person running the command, never from src/config.
 */
export interface Connection {
  readonly baseUrl: string;
  readonly credential: { readonly kind: 'api-key' | 'token'; readonly value: string };
}

export const DEFAULT_URL = 'http://localhost:8080';

/**
 * `--url`, else CORPUSGATE_URL, else localhost. The credential comes only from the environment
 * (CORPUSGATE_API_KEY, else CORPUSGATE_TOKEN): a flag would show the secret in `ps` and in shell
 * history.
 */
export function resolveConnection(urlOption: string | undefined, env: NodeJS.ProcessEnv = process.env): Connection {
  const raw = urlOption ?? nonEmpty(env['CORPUSGATE_URL']) ?? DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be an http(s) URL, got "${raw}"`);
  const apiKey = nonEmpty(env['CORPUSGATE_API_KEY']);
  const token = nonEmpty(env['CORPUSGATE_TOKEN']);
  const credential = apiKey !== undefined ? { kind: 'api-key' as const, value: apiKey } : token !== undefined ? { kind: 'token' as const, value: token } : null;
  if (credential === null) {
    throw new UsageError('set CORPUSGATE_API_KEY (an API key) or CORPUSGATE_TOKEN (a JWT) in the environment');
  }
  // Paths are appended to the base, so a gateway mounted under a prefix (https://host/cg/) works.
  return { baseUrl: url.href.replace(/\/+$/, ''), credential };
}

/**
 * The customer named by a JWT's `customer_id` claim, read without verifying: it only fills in
 * the upload's `c`, and the gateway verifies the token anyway. API keys name no customer.
 */
export function customerOfCredential(connection: Connection): string | undefined {
  if (connection.credential.kind !== 'token') return undefined;
  const payload = connection.credential.value.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const customer = typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>)['customer_id'] : undefined;
    return typeof customer === 'string' || typeof customer === 'number' ? String(customer) : undefined;
  } catch {
    return undefined;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
