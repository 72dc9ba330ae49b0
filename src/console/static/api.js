// The gateway's JSON API as the console calls it, with the signed-in credential.
//
// The credential (an admin API key or a JWT) is kept in this tab's sessionStorage: it survives a
// reload (so a reload restores the corpus and document in the URL) and is gone when the tab
// closes or on Sign out. Never in the persistent local storage, a URL or a cookie.

const CREDENTIAL_STORAGE = 'corpusgate.console.credential';

/** An answer of the gateway that is not 2xx, with its JSON error body when there is one. */
export class ApiError extends Error {
  /** @param {number} status @param {{internalCode?: string, details?: string} | null} body */
  constructor(status, body) {
    super(`${status} ${body?.internalCode ?? ''}${body?.details ? `: ${body.details}` : ''}`.trim());
    this.status = status;
    this.code = body?.internalCode ?? '';
    this.details = body?.details ?? '';
  }
}

/** What signing out does; set by the entry module (a lost credential signs the tab out). */
export const session = { lost: (/** @type {string} */ _message) => {} };

export const storedCredential = () => sessionStorage.getItem(CREDENTIAL_STORAGE);
export const storeCredential = (/** @type {string} */ credential) => sessionStorage.setItem(CREDENTIAL_STORAGE, credential);
export const forgetCredential = () => sessionStorage.removeItem(CREDENTIAL_STORAGE);

/** A pasted credential, trimmed; "Bearer " before a token is dropped. */
export function normalizeCredential(/** @type {string} */ pasted) {
  return pasted.trim().replace(/^Bearer\s+/i, '');
}

/**
 * API keys start with cgk_ and go in x-api-key; anything else is sent as a bearer token (JWT).
 * @returns {Record<string, string>}
 */
export function credentialHeaders(/** @type {string | null} */ credential) {
  const value = credential ?? '';
  return value.startsWith('cgk_') ? { 'x-api-key': value } : { authorization: `Bearer ${value}` };
}

/** The API lives next to /console/, wherever the gateway is mounted. */
export function apiUrl(/** @type {string} */ path) {
  return new URL(`../${path}`, new URL('.', document.baseURI));
}

/**
 * @param {string} path
 * @param {{method?: string, body?: unknown, credential?: string | null}} [options]
 */
export async function api(path, { method = 'GET', body, credential = storedCredential() } = {}) {
  /** @type {Record<string, string>} */
  const headers = { ...credentialHeaders(credential), accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(apiUrl(path), {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    cache: 'no-store',
    credentials: 'omit',
  });
  if (res.ok) return res.status === 204 ? null : res.json();
  throw new ApiError(res.status, await res.json().catch(() => null));
}

/**
 * One file through the Vectara upload (POST /v1/upload) into a corpus, with the stored document
 * in the answer (d=true) for its id.
 * @param {File} file @param {{customerId: string, corpusId: string}} target
 * @returns {Promise<{response: {status?: {code?: string}}, document?: {documentId?: string}}>}
 */
export async function uploadFile(file, { customerId, corpusId }) {
  const form = new FormData();
  form.append('file', file, file.name);
  const query = new URLSearchParams({ c: customerId, o: corpusId, d: 'true' });
  const res = await fetch(apiUrl(`v1/upload?${query}`), {
    method: 'POST',
    headers: { ...credentialHeaders(storedCredential()), accept: 'application/json' },
    body: form,
    cache: 'no-store',
    credentials: 'omit',
  });
  if (res.ok) return res.json();
  throw new ApiError(res.status, await res.json().catch(() => null));
}

/**
 * A credential that stops working mid-session (revoked, expired: 401) signs the tab out. A 403
 * is shown where it happened: the credential lacks a scope for that view (a token with
 * corpus:admin but not corpus:read may manage quotas and keys but not list documents).
 */
export function handleAuthLoss(/** @type {unknown} */ err) {
  if (err instanceof ApiError && err.status === 401) {
    session.lost(`Signed out: the gateway no longer accepts this credential (${err.message}).`);
    return true;
  }
  return false;
}
