import { AuthenticationError } from '../errors/index.js';
import type { Authenticator, Principal } from './principal.js';

/**
 * One authenticator for both credential kinds: a JWT in `Authorization: Bearer`, or an API key in
 * `x-api-key`. Both at once is refused: which one should win would be a guess.
 */
export function credentialChain(
  verifyJwt: (token: string | undefined) => Promise<Principal>,
  verifyApiKey: (key: string) => Promise<Principal>,
): Authenticator {
  return {
    async authenticate({ bearer, apiKey }) {
      if (apiKey !== undefined && bearer !== undefined) {
        throw new AuthenticationError('send either Authorization: Bearer <JWT> or x-api-key, not both');
      }
      if (apiKey !== undefined) return verifyApiKey(apiKey);
      if (bearer === undefined) {
        throw new AuthenticationError('missing credentials: send Authorization: Bearer <JWT> or x-api-key: <key>');
      }
      return verifyJwt(bearer);
    },
  };
}
