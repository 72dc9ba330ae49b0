// Quotas of the customer and of each of its corpora: usage against the limits in force, and a
// form that sets a scope's own limits (a number, "unlimited", or empty for the gateway default).
import { api, handleAuthLoss } from './api.js';
import { $, button, cell, el, inputOf, notice, number, selectOf, showError } from './dom.js';
import { state, ticket } from './state.js';

/** @typedef {{used_chars: number, used_docs: number, max_chars: number | 'unlimited', max_docs: number | 'unlimited',
 *   own_max_chars: number | 'unlimited' | null, own_max_docs: number | 'unlimited' | null}} Usage */

const CUSTOMER_SCOPE = 'customer';
const quotaPath = (/** @type {string} */ scope) => (scope === CUSTOMER_SCOPE ? 'v2/quota' : `v2/corpora/${encodeURIComponent(scope)}/quota`);

/** The scopes shown: the customer, then each corpus. */
const scopes = () => [
  { id: CUSTOMER_SCOPE, label: `Customer ${state.who?.customer_id ?? ''}` },
  ...state.corpora.map((c) => ({ id: c.id, label: `${c.name} (${c.id})` })),
];

/** @type {Map<string, Usage>} */
const shown = new Map();

export async function loadQuotas() {
  const current = ticket('quotas');
  const view = $('quotas-tab');
  const error = $('quotas-error');
  error.hidden = true;
  view.setAttribute('aria-busy', 'true');
  try {
    const all = await Promise.all(scopes().map(async (scope) => ({ scope, usage: /** @type {Usage} */ (await api(quotaPath(scope.id))) })));
    if (!current()) return;
    shown.clear();
    for (const { scope, usage } of all) shown.set(scope.id, usage);
    $('quota-table').querySelector('tbody')?.replaceChildren(...all.map(({ scope, usage }) => quotaRow(scope, usage)));
    fillScopeChoice();
  } catch (err) {
    if (current() && !handleAuthLoss(err)) showError(error, err);
  } finally {
    if (current()) view.setAttribute('aria-busy', 'false');
  }
}

/** "1,234 of 10,000 (12.3%)" or "1,234 of unlimited". */
function usedOf(/** @type {number} */ used, /** @type {number | 'unlimited'} */ max) {
  if (max === 'unlimited') return `${number.format(used)} of unlimited`;
  const percent = max === 0 ? 100 : Math.round((used / max) * 1000) / 10;
  return `${number.format(used)} of ${number.format(max)} (${percent}%)`;
}

/** A scope's own setting as the form takes it back: a number, "unlimited", or "default". */
function ownSetting(/** @type {number | 'unlimited' | null} */ own) {
  return own === null ? 'default' : own === 'unlimited' ? 'unlimited' : number.format(own);
}

/** @param {{id: string, label: string}} scope @param {Usage} usage */
function quotaRow(scope, usage) {
  const row = el('tr');
  row.dataset['scope'] = scope.id;
  row.append(
    cell('Scope', scope.label),
    cell('Characters', usedOf(usage.used_chars, usage.max_chars), 'used-chars'),
    cell('Documents', usedOf(usage.used_docs, usage.max_docs), 'used-docs'),
    cell('Own limits', `${ownSetting(usage.own_max_chars)} chars, ${ownSetting(usage.own_max_docs)} docs`, 'own'),
    cell('', button('Edit', () => editScope(scope.id))),
  );
  return row;
}

function fillScopeChoice() {
  const select = selectOf('quota-scope');
  const chosen = select.value;
  select.replaceChildren(...scopes().map((s) => new Option(s.label, s.id)));
  editScope(shown.has(chosen) ? chosen : CUSTOMER_SCOPE, false);
}

/** Fills the form with the scope's own limits. */
function editScope(/** @type {string} */ scope, focus = true) {
  const usage = shown.get(scope);
  selectOf('quota-scope').value = scope;
  const asInput = (/** @type {number | 'unlimited' | null | undefined} */ own) => (own === null || own === undefined ? '' : String(own));
  inputOf('quota-max-chars').value = asInput(usage?.own_max_chars);
  inputOf('quota-max-docs').value = asInput(usage?.own_max_docs);
  $('quota-form-error').hidden = true;
  if (focus) inputOf('quota-max-chars').focus();
}

/** What the form's field says: a whole number, "unlimited", or null (empty: the default). */
function limitOf(/** @type {string} */ label, /** @type {string} */ raw) {
  const value = raw.trim().replace(/[,_\s]/g, '');
  if (value === '' || value === 'default') return null;
  if (value.toLowerCase() === 'unlimited') return 'unlimited';
  if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  throw new RangeError(`${label} must be a whole number, "unlimited", or empty for the default`);
}

async function saveQuota(/** @type {SubmitEvent} */ event) {
  event.preventDefault();
  const error = $('quota-form-error');
  error.hidden = true;
  const scope = selectOf('quota-scope').value;
  let body;
  try {
    body = { max_chars: limitOf('Max characters', inputOf('quota-max-chars').value), max_docs: limitOf('Max documents', inputOf('quota-max-docs').value) };
  } catch (err) {
    error.textContent = err instanceof Error ? err.message : String(err);
    error.hidden = false;
    return;
  }
  try {
    await api(quotaPath(scope), { method: 'PUT', body });
    notice(`Saved the limits of ${scopes().find((s) => s.id === scope)?.label ?? scope}.`);
    await loadQuotas();
  } catch (err) {
    if (!handleAuthLoss(err)) showError(error, err);
  }
}

export function wireQuotas() {
  $('quota-form').addEventListener('submit', (event) => void saveQuota(/** @type {SubmitEvent} */ (event)));
  // Another scope chosen: the form shows its own limits.
  $('quota-scope').addEventListener('change', () => editScope(selectOf('quota-scope').value, false));
}
