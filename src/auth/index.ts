export type { Authenticator, Principal } from './principal.js';
export { authorizeWrite, WRITE_SCOPE } from './authorize.js';
export { createJwtAuthenticator } from './jwt-authenticator.js';
export { resolveKeySource, DEV_SECRET_FILE, type KeySource } from './key-source.js';
export { mintToken, parseTtl, type MintOptions } from './mint-token.js';
export { canonicalId, MAX_CORPUS_ID, MAX_CUSTOMER_ID } from './ids.js';
