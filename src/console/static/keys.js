// API keys of the customer: create one (shown once, with a copy button), list them, revoke one.
import { api, ApiError, handleAuthLoss } from './api.js';
import { $, button, cell, copyText, el, inputOf, notice, selectOf, showError, timeElement } from './dom.js';
import { state, ticket } from './state.js';

/** @typedef {{id: string, role: string, corpus_ids: string[] | null, name: string, created_at: string,
 *   expires_at: string | null, revoked_at: string | null, state: string}} ApiKey */

/** The key of the revoke dialog. */
let revoking = '';

export async function loadKeys() {
  const current = ticket('keys');
  const view = $('keys-tab');
  const error = $('keys-error');
  error.hidden = true;
  view.setAttribute('aria-busy', 'true');
  fillCorpusChoice();
  try {
    const body = await api('v2/api-keys');
    if (!current()) return;
    /** @type {ApiKey[]} */
    const keys = body.api_keys;
    $('keys').querySelector('tbody')?.replaceChildren(...keys.map(keyRow));
    $('keys-empty').hidden = keys.length > 0;
  } catch (err) {
    if (current() && !handleAuthLoss(err)) showError(error, err);
  } finally {
    if (current()) view.setAttribute('aria-busy', 'false');
  }
}

function fillCorpusChoice() {
  const select = selectOf('key-corpus');
  const chosen = select.value;
  select.replaceChildren(new Option('every corpus', ''), ...state.corpora.map((c) => new Option(`${c.name} (${c.id})`, c.id)));
  select.value = state.corpora.some((c) => c.id === chosen) ? chosen : '';
}

/** @param {ApiKey} key */
function keyRow(key) {
  const row = el('tr');
  row.dataset['id'] = key.id;
  const action = key.state === 'active' ? button('Revoke…', () => askRevoke(key.id), 'danger') : undefined;
  row.append(
    cell('Id', el('code', key.id), 'id'),
    cell('Role', key.role),
    cell('Corpora', key.corpus_ids === null ? 'every corpus' : key.corpus_ids.join(', ')),
    cell('Name', key.name),
    cell('State', key.state, `key-state state-${key.state}`),
    cell('Created', timeElement(key.created_at)),
    cell('Expires', key.expires_at === null ? 'never' : timeElement(key.expires_at)),
    cell('', action),
  );
  return row;
}

export async function createKey(/** @type {SubmitEvent} */ event) {
  event.preventDefault();
  const error = $('key-form-error');
  error.hidden = true;
  const corpus = selectOf('key-corpus').value;
  const expires = inputOf('key-expires').value;
  const body = {
    role: selectOf('key-role').value,
    corpus_ids: corpus === '' ? [] : [corpus],
    name: inputOf('key-name').value.trim(),
    ...(expires === '' ? {} : { expires_at: expires }),
  };
  try {
    const created = await api('v2/api-keys', { method: 'POST', body });
    showNewKey(created.key, created.api_key);
    inputOf('key-name').value = '';
    await loadKeys();
  } catch (err) {
    if (err instanceof ApiError && err.status === 400) showError(error, err);
    else if (!handleAuthLoss(err)) showError(error, err);
  }
}

/** The whole key, this once: the gateway keeps only a hash of its secret. */
function showNewKey(/** @type {string} */ key, /** @type {ApiKey} */ record) {
  $('new-key-value').textContent = key;
  $('new-key-what').textContent = `${record.role} key ${record.id} for ${record.corpus_ids === null ? 'every corpus' : `corpus ${record.corpus_ids.join(', ')}`}`;
  $('new-key').hidden = false;
}

export function wireKeys() {
  $('key-form').addEventListener('submit', (event) => void createKey(/** @type {SubmitEvent} */ (event)));
  $('copy-key').addEventListener('click', () => void copyText(/** @type {HTMLButtonElement} */ ($('copy-key')), $('new-key-value').textContent ?? ''));
  $('hide-key').addEventListener('click', hideNewKey);
  $('confirm-revoke').addEventListener('close', () => void confirmRevoke());
}

export function hideNewKey() {
  $('new-key-value').replaceChildren();
  $('new-key').hidden = true;
}

function askRevoke(/** @type {string} */ id) {
  const dialog = /** @type {HTMLDialogElement} */ ($('confirm-revoke'));
  revoking = id;
  $('revoke-id').textContent = id;
  dialog.returnValue = '';
  dialog.showModal();
}

async function confirmRevoke() {
  const dialog = /** @type {HTMLDialogElement} */ ($('confirm-revoke'));
  if (dialog.returnValue !== 'revoke' || revoking === '') return;
  const id = revoking;
  revoking = '';
  try {
    await api(`v2/api-keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
    notice(`Revoked key ${id}: it is refused from now on.`);
    await loadKeys();
  } catch (err) {
    if (!handleAuthLoss(err)) showError($('keys-error'), err);
  }
}
