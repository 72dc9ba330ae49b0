import { PermissionDeniedError } from '../errors/index.js';
import type { Principal } from './principal.js';

export const WRITE_SCOPE = 'corpus:write';

/** Throws PermissionDeniedError unless the principal may write documents into this corpus. */
export function authorizeWrite(principal: Principal, target: { customerId: string; corpusId: string }): void {
  if (principal.customerId !== target.customerId) {
    throw new PermissionDeniedError(`the credential is not valid for customer ${target.customerId}`);
  }
  if (!principal.scopes.has(WRITE_SCOPE)) {
    throw new PermissionDeniedError(`the credential lacks the "${WRITE_SCOPE}" scope`);
  }
  if (principal.corpusIds !== null && !principal.corpusIds.has(target.corpusId)) {
    throw new PermissionDeniedError(`the credential may not write corpus ${target.corpusId}`);
  }
}
