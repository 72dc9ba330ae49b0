import * as jose from 'jose';
import { UnavailableError } from '../errors/index.js';

/** A token naming an unknown kid refetches the JWKS at most this often. */
const JWKS_COOLDOWN_MS = 30_000;
/** Keys are refetched at least this often, so rotated-out keys stop working. */
const JWKS_MAX_AGE_MS = 10 * 60_000;
const JWKS_TIMEOUT_MS = 5_000;
/** What a client told 503 is asked to wait: about one fetch timeout. */
const RETRY_AFTER_SECONDS = 5;

type KeyGetter = (header: jose.JWSHeaderParameters, token: jose.FlattenedJWSInput) => Promise<jose.CryptoKey>;

/** Errors of the key set that are about the token (its kid, its algorithm), not the fetch. */
const TOKEN_ERRORS = [jose.errors.JWKSNoMatchingKey, jose.errors.JWKSMultipleMatchingKeys, jose.errors.JOSEAlgNotAllowed, jose.errors.JOSENotSupported];

/**
 * The remote JWKS (jose's createRemoteJWKSet: cached, refetched for an unknown kid at most once per
 * cooldown). When the keys cannot be fetched — the server is down, slow, answers an error or
 * something that is not a JWKS — and none are cached, a token cannot be checked either way: that
 * is 503 UNAVAILABLE, not a 401 telling a valid client its token is bad.
 */
export class RemoteKeySet {
  readonly #remote: ReturnType<typeof jose.createRemoteJWKSet>;

  constructor(readonly url: URL) {
    this.#remote = jose.createRemoteJWKSet(url, {
      cooldownDuration: JWKS_COOLDOWN_MS,
      cacheMaxAge: JWKS_MAX_AGE_MS,
      timeoutDuration: JWKS_TIMEOUT_MS,
    });
  }

  /** The key getter jose.jwtVerify calls; a failed fetch becomes UnavailableError. */
  readonly getKey: KeyGetter = async (header, token) => {
    try {
      return await this.#remote(header, token);
    } catch (err) {
      if (TOKEN_ERRORS.some((type) => err instanceof type)) throw err;
      throw new UnavailableError(`the key set ${this.url.href} cannot be fetched (${describeFetchError(err)}); tokens cannot be verified now`, RETRY_AFTER_SECONDS);
    }
  };

  /** For /readyz: keys are cached and fresh, or can be fetched now. */
  async check(): Promise<void> {
    if (this.#remote.fresh) return;
    try {
      await this.#remote.reload();
    } catch (err) {
      throw new Error(`JWKS ${this.url.href} cannot be fetched: ${describeFetchError(err)}`);
    }
  }
}

function describeFetchError(err: unknown): string {
  if (err instanceof jose.errors.JWKSTimeout) return `no answer within ${JWKS_TIMEOUT_MS} ms`;
  if (err instanceof jose.errors.JWKSInvalid) return 'the answer is not a JSON Web Key Set';
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code; // fetch's ECONNREFUSED, ENOTFOUND, …
  return err instanceof Error ? err.message : String(err);
}
