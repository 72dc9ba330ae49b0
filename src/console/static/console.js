// corpusgate operator console: plain ES2022 modules, no build step, no dependencies.
// Every value from the gateway is user input (document ids, titles, metadata): it is rendered
// with textContent only, never parsed as HTML. This module signs in and out and wires the page.
import { api, ApiError, forgetCredential, handleAuthLoss, normalizeCredential, session, storeCredential, storedCredential } from './api.js';
import { loadJobs, refreshUsage } from './corpus.js';
import { askDelete, confirmDelete, loadPage, openDocument, refreshCorpus, showList } from './documents.js';
import { $, copyText, el, inputOf, notice, selectOf, showError } from './dom.js';
import { hideNewKey, loadKeys, wireKeys } from './keys.js';
import { loadQuotas, wireQuotas } from './quotas.js';
import { readLocation, state, TABS, writeLocation } from './state.js';
import { uploadFiles, wireUpload } from './upload.js';

/** Checks a credential: who it is (401: not accepted), then whether it administers the customer (403). */
async function signIn(/** @type {SubmitEvent} */ event) {
  event.preventDefault();
  const input = inputOf('credential');
  const error = $('sign-in-error');
  const submit = /** @type {HTMLButtonElement} */ ($('sign-in-form').querySelector('button'));
  const credential = normalizeCredential(input.value);
  error.hidden = true;
  submit.disabled = true;
  try {
    const who = await api('v2/whoami', { credential });
    const body = await api('v2/corpora', { credential });
    storeCredential(credential);
    input.value = '';
    notice('');
    showConsole(who, body.corpora);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) error.textContent = `This credential was not accepted (${err.message}).`;
    else if (err instanceof ApiError && err.status === 403) {
      error.textContent = 'This credential is valid but cannot administer the whole customer: the console needs an admin key made ' +
        `without --corpus, or a token with the corpus:admin scope (${err.message}).`;
    }
    else showError(error, err);
    error.hidden = false;
  } finally {
    submit.disabled = false;
  }
}

function signOut(/** @type {string} */ message = '') {
  forgetCredential();
  state.session++;
  Object.assign(state, { who: null, corpora: [], corpus: null, prefix: '', pages: [''], nextKey: '', openId: null });
  // Nothing of the signed-out session stays on the page.
  for (const table of ['documents', 'jobs', 'quota-table', 'keys']) $(table).querySelector('tbody')?.replaceChildren();
  for (const id of ['corpus', 'detail-title', 'detail-id', 'detail-metadata', 'detail-provenance', 'detail-sections', 'usage-chars',
    'usage-docs', 'usage-detail', 'who', 'scopes', 'jobs-more', 'upload-results', 'key-corpus', 'quota-scope']) {
    $(id).replaceChildren();
  }
  hideNewKey();
  for (const error of document.querySelectorAll('main .error')) /** @type {HTMLElement} */ (error).hidden = true;
  for (const id of ['id-prefix', 'quota-max-chars', 'quota-max-docs', 'key-name', 'key-expires']) inputOf(id).value = '';
  for (const id of ['corpus-view', 'console-view', 'account']) $(id).hidden = true;
  $('sign-in-view').hidden = false;
  notice(message);
  $('credential').focus();
}
session.lost = signOut;

/**
 * @param {{subject: string, kind: string, customer_id: string | null, scopes: string[], corpus_ids: string[] | null}} who
 * @param {Array<{id: string, name: string}>} corpora
 */
function showConsole(who, corpora) {
  Object.assign(state, { who, corpora });
  $('who').textContent = `${who.kind === 'api_key' ? 'API key' : 'token'} ${who.subject.replace(/^apikey:/, '')} · customer ${who.customer_id ?? '(none)'}`;
  $('scopes').replaceChildren(...who.scopes.map((scope) => el('li', scope, 'scope')));
  const select = selectOf('corpus');
  select.replaceChildren();
  if (corpora.length !== 1) select.append(new Option(corpora.length === 0 ? 'no corpora' : 'choose a corpus…', ''));
  for (const corpus of corpora) select.append(new Option(`${corpus.name} (${corpus.id})`, corpus.id));
  $('sign-in-view').hidden = true;
  $('account').hidden = false;
  $('console-view').hidden = false;
  const wanted = readLocation();
  showTab(wanted.tab);
  const corpus = corpora.some((c) => c.id === wanted.corpus) ? wanted.corpus : corpora.length === 1 ? corpora[0]?.id ?? '' : '';
  void pickCorpus(corpus ?? '', wanted.corpus === corpus ? wanted.doc : null);
}

/** Shows a corpus; `doc`: a document of it to open (from the URL). */
async function pickCorpus(/** @type {string} */ id, /** @type {string | null} */ doc = null) {
  selectOf('corpus').value = id;
  state.corpus = id || null;
  state.prefix = '';
  state.pages = [''];
  inputOf('id-prefix').value = '';
  $('upload-results').replaceChildren();
  showList();
  $('corpus-view').hidden = state.corpus === null;
  if (state.corpus === null) return;
  if (doc) void openDocument(doc);
  await refreshCorpus();
}

function showTab(/** @type {typeof TABS[number]} */ tab) {
  state.tab = tab;
  for (const name of TABS) {
    $(`${name}-tab`).hidden = name !== tab;
    $(`tab-${name}`).setAttribute('aria-selected', String(name === tab));
  }
  writeLocation();
  if (tab === 'quotas') void loadQuotas();
  if (tab === 'keys') void loadKeys();
}

async function upload(/** @type {File[]} */ files) {
  notice('');
  const stored = await uploadFiles(files, (id) => void openDocument(id));
  if (stored > 0 || files.length > 0) await Promise.all([refreshUsage(), loadPage(), loadJobs()]);
}

function search(/** @type {SubmitEvent} */ event) {
  event.preventDefault();
  state.prefix = inputOf('id-prefix').value;
  state.pages = [''];
  notice('');
  void loadPage();
}

function wireDocuments() {
  $('corpus').addEventListener('change', (event) => {
    notice('');
    void pickCorpus(/** @type {HTMLSelectElement} */ (event.target).value);
  });
  $('search-form').addEventListener('submit', (event) => search(/** @type {SubmitEvent} */ (event)));
  $('clear-search').addEventListener('click', () => {
    inputOf('id-prefix').value = '';
    $('search-form').dispatchEvent(new Event('submit', { cancelable: true }));
  });
  $('next-page').addEventListener('click', () => {
    if (state.nextKey === '') return;
    state.pages.push(state.nextKey);
    void loadPage();
  });
  $('prev-page').addEventListener('click', () => {
    if (state.pages.length <= 1) return;
    state.pages.pop();
    void loadPage();
  });
  $('back').addEventListener('click', () => {
    notice('');
    showList();
  });
  $('copy-id').addEventListener('click', () => void copyText(/** @type {HTMLButtonElement} */ ($('copy-id')), state.openId ?? ''));
  $('delete').addEventListener('click', askDelete);
  $('confirm-delete').addEventListener('close', () => void confirmDelete());
  wireUpload((files) => void upload(files));
}

function start() {
  $('sign-in-form').addEventListener('submit', (event) => void signIn(/** @type {SubmitEvent} */ (event)));
  $('sign-out').addEventListener('click', () => {
    // A deliberate sign-out forgets the place too; a lost credential keeps it for the next sign-in.
    history.replaceState(null, '', location.pathname);
    signOut('Signed out.');
  });
  for (const tab of TABS) $(`tab-${tab}`).addEventListener('click', () => { notice(''); showTab(tab); });
  wireQuotas();
  wireDocuments();
  wireKeys();

  if (storedCredential() === null) {
    signOut();
    return;
  }
  Promise.all([api('v2/whoami'), api('v2/corpora')])
    .then(([who, body]) => showConsole(who, body.corpora))
    .catch((err) => {
      if (!handleAuthLoss(err)) {
        signOut();
        showError($('sign-in-error'), err);
      }
    });
}

start();
