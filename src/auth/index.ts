export type { Authenticator, Credentials, Principal } from './principal.js';
export { authorize, authorizeWrite, extractionTarget, ADMIN_SCOPE, EXTRACTIONS_SCOPE, LOCAL_OPERATOR, READ_SCOPE, WRITE_SCOPE, type Action } from './authorize.js';
export { createJwtVerifier } from './jwt-authenticator.js';
export { createApiKeyVerifier } from './api-key-authenticator.js';
export { generateApiKey, keyIdOf, parseApiKey, ROLES, SCOPES_OF_ROLE, type NewApiKey } from './api-keys.js';
export { resolveKeySource, DEV_SECRET_FILE, type KeySource } from './key-source.js';
export { mintToken, parseTtl, type MintOptions } from './mint-token.js';
export { createAuthenticator } from './create-authenticator.js';
