import * as jose from 'jose';
import { AuthenticationError, UnavailableError } from '../errors/index.js';
import type { Config } from '../config/index.js';
import { assertCanonicalCompactJws, principalFromClaims } from './jwt-claims.js';
import type { KeySource } from './key-source.js';
import type { Principal } from './principal.js';

/** Clock skew tolerated on exp/nbf/iat. */
const CLOCK_TOLERANCE_S = 30;

type KeyInput = Parameters<typeof jose.jwtVerify>[1];

/** Verifies `Authorization: Bearer <JWT>` with jose against the configured key source. */
export function createJwtVerifier(source: KeySource, jwt: Config['jwt']): (bearer: string | undefined) => Promise<Principal> {
  const key: KeyInput =
    source.kind === 'jwks'
      ? source.keySet.getKey
      : source.kind === 'public-key'
        ? source.key
        : source.secret;
  const options: jose.JWTVerifyOptions = {
    algorithms: [...source.algorithms],
    clockTolerance: CLOCK_TOLERANCE_S,
    requiredClaims: ['exp'],
    ...(jwt.issuer !== null ? { issuer: jwt.issuer } : {}),
    ...(jwt.audience !== null ? { audience: jwt.audience } : {}),
  };

  return async (bearer) => {
    if (bearer === undefined) throw new AuthenticationError('missing bearer token: send Authorization: Bearer <JWT>');
    assertCanonicalCompactJws(bearer);
    let payload: jose.JWTPayload;
    try {
      ({ payload } = await jose.jwtVerify(bearer, key as Parameters<typeof jose.jwtVerify>[1], options));
    } catch (err) {
      if (err instanceof UnavailableError) throw err;
      throw new AuthenticationError(`invalid token: ${describeJoseError(err)}`);
    }
    return principalFromClaims(payload);
  };
}

function describeJoseError(err: unknown): string {
  if (err instanceof jose.errors.JWTExpired) return 'token expired';
  if (err instanceof jose.errors.JWTClaimValidationFailed) return `claim "${err.claim}" ${err.reason === 'check_failed' ? 'check failed' : err.reason.replace(/_/g, ' ')}`;
  if (err instanceof jose.errors.JOSEAlgNotAllowed) return 'signing algorithm not allowed';
  if (err instanceof jose.errors.JWKSNoMatchingKey) return 'no key matches the token (unknown kid)';
  if (err instanceof jose.errors.JWSSignatureVerificationFailed) return 'signature verification failed';
  if (err instanceof jose.errors.JOSEError) return err.message;
  return 'malformed token';
}
