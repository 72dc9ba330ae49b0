import { PermissionDeniedError } from '../errors/index.js';
import type { Principal } from './principal.js';

/** Upload, index and delete documents. Implies READ_SCOPE. */
export const WRITE_SCOPE = 'corpus:write';
/** List and inspect documents. */
export const READ_SCOPE = 'corpus:read';
/** Create corpora, read and set quotas and usage. */
export const ADMIN_SCOPE = 'corpus:admin';
/** The Documind-style batch upload (/api/v1/upload) and its status route, into one corpus. */
export const EXTRACTIONS_SCOPE = 'extractions:write';

export type Action = 'read' | 'write' | 'admin';

const SCOPES_FOR: Readonly<Record<Action, readonly string[]>> = {
  read: [READ_SCOPE, WRITE_SCOPE],
  write: [WRITE_SCOPE],
  admin: [ADMIN_SCOPE],
};

/**
 * Throws PermissionDeniedError unless the principal may do `action` in this corpus, or, without
 * a corpus, across the whole customer (which a credential limited to some corpora may not).
 */
export function authorize(principal: Principal, target: { customerId: string; corpusId?: string }, action: Action): void {
  if (principal.localOperator) return;
  if (principal.customerId !== target.customerId) {
    throw new PermissionDeniedError(`the credential is not valid for customer ${target.customerId}`);
  }
  if (!SCOPES_FOR[action].some((scope) => principal.scopes.has(scope))) {
    throw new PermissionDeniedError(`the credential lacks the "${SCOPES_FOR[action][0]}" scope`);
  }
  if (principal.corpusIds === null) return;
  if (target.corpusId === undefined) {
    throw new PermissionDeniedError('the credential is limited to some corpora; this needs one valid for the whole customer');
  }
  if (!principal.corpusIds.has(target.corpusId)) {
    throw new PermissionDeniedError(`the credential may not use corpus ${target.corpusId}`);
  }
}

/**
 * The one corpus an `extractions:write` credential uploads into: it must carry the scope and be
 * bound to exactly one corpus of its customer (the Documind API names no corpus). Else 403.
 */
export function extractionTarget(principal: Principal): { customerId: string; corpusId: string } {
  if (!principal.scopes.has(EXTRACTIONS_SCOPE)) {
    throw new PermissionDeniedError(`the credential lacks the "${EXTRACTIONS_SCOPE}" scope`);
  }
  const corpora = principal.corpusIds === null ? [] : [...principal.corpusIds];
  if (principal.customerId === null || corpora.length !== 1) {
    throw new PermissionDeniedError(`an "${EXTRACTIONS_SCOPE}" credential must be bound to exactly one corpus of one customer`);
  }
  return { customerId: principal.customerId, corpusId: corpora[0]! };
}

/** Throws PermissionDeniedError unless the principal may write documents into this corpus. */
export function authorizeWrite(principal: Principal, target: { customerId: string; corpusId: string }): void {
  authorize(principal, target, 'write');
}

/** The CLI's principal: the installation's operator, allowed everything (see Principal.localOperator). */
export const LOCAL_OPERATOR: Principal = {
  subject: 'cli:local-operator',
  customerId: null,
  scopes: new Set([ADMIN_SCOPE, WRITE_SCOPE, READ_SCOPE]),
  corpusIds: null,
  localOperator: true,
};
