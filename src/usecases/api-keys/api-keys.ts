import { authorize, generateApiKey, type Principal } from '../../auth/index.js';
import { ApiKeyNotFoundError, InvalidRequestError } from '../../errors/index.js';
import type { ApiKeyRecord, ApiKeyRole } from '../../store/index.js';
import type { UseCaseDeps } from '../deps.js';

export interface NewApiKeyInput {
  readonly customerId: string;
  /** Corpora the key may use; empty or absent = every corpus of the customer. */
  readonly corpusIds?: readonly string[];
  readonly role: ApiKeyRole;
  readonly name?: string;
  /** ISO 8601, in the future; null = never. */
  readonly expiresAt: string | null;
}

/** A new key for an existing customer: the whole key (to show once) and what is stored of it. */
export async function createApiKey(deps: UseCaseDeps, principal: Principal, input: NewApiKeyInput): Promise<{ key: string; record: ApiKeyRecord }> {
  authorize(principal, { customerId: input.customerId }, 'admin');
  if ((await deps.store.getUsage({ customerId: input.customerId })) === null) {
    throw new InvalidRequestError('INVALID_PARAMETER', `customer ${input.customerId} does not exist; create a corpus first`);
  }
  if (input.expiresAt !== null && Date.parse(input.expiresAt) <= Date.now()) {
    throw new InvalidRequestError('INVALID_PARAMETER', 'the expiry must be in the future');
  }
  const corpora = input.corpusIds ?? [];
  if (input.role === 'extractions' && corpora.length !== 1) {
    // The Documind API names no corpus: the key is where its uploads go.
    throw new InvalidRequestError('INVALID_PARAMETER', 'an extractions key is bound to exactly one corpus: give --corpus once');
  }
  const created = generateApiKey({
    customerId: input.customerId,
    corpusIds: corpora.length > 0 ? corpora : null,
    role: input.role,
    name: input.name ?? '',
    expiresAt: input.expiresAt,
  });
  await deps.store.createApiKey(created.record);
  return created;
}

/** The customer's keys (every key for the local operator without a customer), newest first. */
export async function listApiKeys(deps: UseCaseDeps, principal: Principal, customerId: string | undefined): Promise<ApiKeyRecord[]> {
  if (customerId === undefined) {
    if (!principal.localOperator) throw new InvalidRequestError('INVALID_PARAMETER', 'name the customer whose keys to list');
  } else {
    authorize(principal, { customerId }, 'admin');
  }
  return deps.store.listApiKeys(customerId);
}

/** Revokes a key (from then on it is refused); ApiKeyNotFoundError when there is none of the principal's. */
export async function revokeApiKey(deps: UseCaseDeps, principal: Principal, keyId: string): Promise<ApiKeyRecord> {
  // A credential that is no admin of its whole customer is refused (403) before any lookup, so it
  // learns nothing about which key ids exist.
  if (!principal.localOperator) authorize(principal, { customerId: principal.customerId ?? '' }, 'admin');
  const key = await deps.store.getApiKey(keyId);
  // Another customer's key is "not found" to this principal: its existence is not disclosed.
  if (!key || (!principal.localOperator && principal.customerId !== key.customerId)) throw new ApiKeyNotFoundError(keyId);
  await deps.store.revokeApiKey(keyId, new Date().toISOString());
  return (await deps.store.getApiKey(keyId)) ?? key;
}
