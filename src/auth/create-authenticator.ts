import type { Config } from '../config/index.js';
import type { ApiKeyStore } from '../store/index.js';
import { createApiKeyVerifier } from './api-key-authenticator.js';
import { credentialChain } from './credential-chain.js';
import { createJwtVerifier } from './jwt-authenticator.js';
import type { KeySource } from './key-source.js';
import type { Authenticator } from './principal.js';

/** JWTs verified against the configured key source, API keys against the store. */
export function createAuthenticator(source: KeySource, jwt: Config['jwt'], store: ApiKeyStore): Authenticator {
  return credentialChain(createJwtVerifier(source, jwt), createApiKeyVerifier(store));
}
