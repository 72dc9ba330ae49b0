// corpusgate operator console: plain ES2022, no build step, no dependencies.
// Every value from the gateway is user input (document ids, titles, metadata): it is rendered
// with textContent only, never parsed as HTML.

const KEY_STORAGE = 'corpusgate.console.apiKey';
const PAGE_SIZE = 10;
/** Batch jobs shown at most (queued, processing and failed ones, oldest first). */
const JOBS_SHOWN = 100;
const EXCERPT_CHARS = 200;
/** More sections than this are summarised: a 2,000-page PDF must not freeze the tab. */
const MAX_SECTIONS = 2000;

const number = new Intl.NumberFormat('en-US');

/** @param {string} id */
function $(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element;
}

/** An answer of the gateway that is not 2xx, with its JSON error body when there is one. */
class ApiError extends Error {
  /** @param {number} status @param {{internalCode?: string, details?: string} | null} body */
  constructor(status, body) {
    super(`${status} ${body?.internalCode ?? ''}${body?.details ? `: ${body.details}` : ''}`.trim());
    this.status = status;
    this.code = body?.internalCode ?? '';
  }
}

const state = {
  /** @type {Array<{id: string, name: string}>} */
  corpora: [],
  /** @type {string | null} */
  corpus: null,
  prefix: '',
  /** Page keys of the pages visited so far; the last one is the page shown ("" = first page). */
  pages: [''],
  nextKey: '',
  /** @type {string | null} */
  openId: null,
  /** Bumped by sign-out: answers that arrive later are dropped. */
  session: 0,
};

/** The newest load of each view: a late answer never paints over a newer one. */
const latest = { usage: 0, list: 0, detail: 0, jobs: 0 };

/** @param {'usage' | 'list' | 'detail' | 'jobs'} view @returns {() => boolean} true while this load is the newest */
function ticket(view) {
  const mine = ++latest[view];
  const session = state.session;
  return () => mine === latest[view] && session === state.session;
}

// ------------------------------------------------------------------ the API

/** The API lives next to /console/, wherever the gateway is mounted. */
function apiUrl(/** @type {string} */ path) {
  return new URL(`../${path}`, document.baseURI);
}

/** @param {string} path @param {{method?: string, key?: string | null}} [options] */
async function api(path, { method = 'GET', key = sessionStorage.getItem(KEY_STORAGE) } = {}) {
  const res = await fetch(apiUrl(path), {
    method,
    headers: { 'x-api-key': key ?? '', accept: 'application/json' },
    cache: 'no-store',
    credentials: 'omit',
  });
  if (res.ok) return res.status === 204 ? null : res.json();
  const body = await res.json().catch(() => null);
  throw new ApiError(res.status, body);
}

const corpusPath = () => `v2/corpora/${encodeURIComponent(state.corpus ?? '')}`;
const documentPath = (/** @type {string} */ id) => `${corpusPath()}/documents/${encodeURIComponent(id)}`;

// ------------------------------------------------------------------ small render helpers

/** @param {HTMLElement} element @param {unknown} error */
function showError(element, error) {
  element.textContent = error instanceof ApiError ? `The gateway answered ${error.message}` : `Cannot reach the gateway: ${String(error)}`;
  element.hidden = false;
}

function notice(/** @type {string} */ text) {
  const element = $('notice');
  element.textContent = text;
  element.hidden = text === '';
}

/** @param {string} tag @param {string} [text] @param {string} [className] */
function el(tag, text, className) {
  const element = document.createElement(tag);
  if (text !== undefined) element.textContent = text;
  if (className) element.className = className;
  return element;
}

/** @param {HTMLElement} list @param {Array<[string, unknown]>} entries */
function fillDefinitions(list, entries) {
  list.replaceChildren();
  if (entries.length === 0) list.append(el('dd', '(none)', 'muted'));
  for (const [key, value] of entries) {
    list.append(el('dt', key), el('dd', typeof value === 'string' ? value : JSON.stringify(value)));
  }
}

/** @param {string} iso */
function shortTime(iso) {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

// ------------------------------------------------------------------ sign in / out

async function signIn(/** @type {SubmitEvent} */ event) {
  event.preventDefault();
  const input = /** @type {HTMLInputElement} */ ($('api-key'));
  const error = $('sign-in-error');
  const button = /** @type {HTMLButtonElement} */ ($('sign-in-form').querySelector('button'));
  const key = input.value.trim();
  error.hidden = true;
  button.disabled = true;
  try {
    const body = await api('v2/corpora', { key });
    sessionStorage.setItem(KEY_STORAGE, key);
    input.value = '';
    notice('');
    showConsole(body.corpora);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) error.textContent = `This key was not accepted (${err.message}).`;
    else if (err instanceof ApiError && err.status === 403) {
      error.textContent = `This key is valid but cannot administer the whole customer: the console needs an admin key made without --corpus (${err.message}).`;
    }
    else showError(error, err);
    error.hidden = false;
  } finally {
    button.disabled = false;
  }
}

function signOut(/** @type {string} */ message = '') {
  sessionStorage.removeItem(KEY_STORAGE);
  state.session++;
  Object.assign(state, { corpora: [], corpus: null, prefix: '', pages: [''], nextKey: '', openId: null });
  // Nothing of the signed-out session stays on the page.
  $('corpus').replaceChildren();
  $('documents').querySelector('tbody')?.replaceChildren();
  $('jobs').querySelector('tbody')?.replaceChildren();
  for (const id of ['detail-title', 'detail-id', 'detail-metadata', 'detail-provenance', 'detail-sections', 'usage-chars', 'usage-docs', 'usage-detail', 'key-id', 'jobs-more']) {
    $(id).replaceChildren();
  }
  /** @type {HTMLInputElement} */ ($('id-prefix')).value = '';
  $('corpus-view').hidden = true;
  $('console-view').hidden = true;
  $('account').hidden = true;
  $('sign-in-view').hidden = false;
  notice(message);
  $('api-key').focus();
}

/** A key that stops working mid-session (revoked, expired) signs the tab out. */
function handleAuthLoss(/** @type {unknown} */ err) {
  if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
    signOut(`Signed out: the gateway no longer accepts this key (${err.message}).`);
    return true;
  }
  return false;
}

// ------------------------------------------------------------------ corpora and usage

/** @param {Array<{id: string, name: string}>} corpora */
function showConsole(corpora) {
  state.corpora = corpora;
  const key = sessionStorage.getItem(KEY_STORAGE) ?? '';
  $('key-id').textContent = `key ${key.split('_')[1] ?? ''}`;
  const select = /** @type {HTMLSelectElement} */ ($('corpus'));
  select.replaceChildren();
  if (corpora.length !== 1) select.append(new Option(corpora.length === 0 ? 'no corpora' : 'choose a corpus…', ''));
  for (const corpus of corpora) select.append(new Option(`${corpus.name} (${corpus.id})`, corpus.id));
  $('sign-in-view').hidden = true;
  $('account').hidden = false;
  $('console-view').hidden = false;
  if (corpora.length === 1) void pickCorpus(corpora[0]?.id ?? '');
  else $('corpus-view').hidden = true;
}

async function pickCorpus(/** @type {string} */ id) {
  /** @type {HTMLSelectElement} */ ($('corpus')).value = id;
  state.corpus = id || null;
  state.prefix = '';
  state.pages = [''];
  /** @type {HTMLInputElement} */ ($('id-prefix')).value = '';
  showList();
  $('corpus-view').hidden = state.corpus === null;
  if (state.corpus === null) return;
  await Promise.all([refreshUsage(), loadPage(), loadJobs()]);
}

/**
 * @param {HTMLMeterElement} meter @param {HTMLElement} label
 * @param {number} used @param {number | null} max @param {string} unit
 */
function showQuota(meter, label, used, max, unit) {
  if (max === null) {
    label.textContent = `${number.format(used)} ${unit} of unlimited`;
    meter.classList.add('unlimited');
    meter.max = 1;
    meter.value = 0;
    return;
  }
  const percent = max === 0 ? 100 : Math.round((used / max) * 1000) / 10;
  label.textContent = `${number.format(used)} of ${number.format(max)} ${unit} (${percent}%)`;
  meter.classList.remove('unlimited');
  meter.max = Math.max(max, 1);
  meter.high = meter.max * 0.9;
  meter.value = used;
}

async function refreshUsage() {
  const current = ticket('usage');
  const usageView = $('usage');
  usageView.setAttribute('aria-busy', 'true');
  try {
    const body = await api(corpusPath());
    if (!current()) return;
    const usage = body.usage;
    if (!usage) {
      $('usage-detail').textContent = 'No usage recorded for this corpus.';
      return;
    }
    showQuota(/** @type {HTMLMeterElement} */ ($('chars-meter')), $('usage-chars'), usage.used_chars, usage.max_chars, 'chars');
    showQuota(/** @type {HTMLMeterElement} */ ($('docs-meter')), $('usage-docs'), usage.used_docs, usage.max_docs, 'docs');
    const limits = usage.own_max_chars === null && usage.own_max_docs === null ? 'limits from the gateway defaults' : 'limits set for this corpus';
    const reserved = usage.reserved_docs > 0 ? ` ${number.format(usage.reserved_docs)} more docs reserved by batch uploads not extracted yet.` : '';
    $('usage-detail').textContent =
      `${number.format(usage.used_text_chars)} text + ${number.format(usage.used_metadata_chars)} metadata chars; ${limits}.${reserved}`;
  } catch (err) {
    if (current() && !handleAuthLoss(err)) showError($('list-error'), err);
  } finally {
    if (current()) usageView.setAttribute('aria-busy', 'false');
  }
}

// ------------------------------------------------------------------ the document list

async function loadPage() {
  const current = ticket('list');
  const view = $('list-view');
  const error = $('list-error');
  view.setAttribute('aria-busy', 'true');
  error.hidden = true;
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  const pageKey = state.pages.at(-1) ?? '';
  if (pageKey !== '') query.set('page_key', pageKey);
  if (state.prefix !== '') query.set('id_prefix', state.prefix);
  try {
    const body = await api(`${corpusPath()}/documents?${query}`);
    if (!current()) return;
    // A page emptied by a delete: step back to the previous one.
    if (body.documents.length === 0 && state.pages.length > 1) {
      state.pages.pop();
      await loadPage();
      return;
    }
    renderPage(body.documents, body.metadata?.page_key ?? '');
  } catch (err) {
    if (current() && !handleAuthLoss(err)) showError(error, err);
  } finally {
    if (current()) view.setAttribute('aria-busy', 'false');
  }
}

/**
 * @param {Array<{id: string, title: string, created_at: string, charge: {num_chars: number, num_metadata_chars: number}}>} documents
 * @param {string} nextKey
 */
function renderPage(documents, nextKey) {
  state.nextKey = nextKey;
  const rows = documents.map((doc) => {
    const row = el('tr');
    row.dataset['id'] = doc.id;
    const open = el('button', doc.id, 'link');
    open.setAttribute('type', 'button');
    open.addEventListener('click', () => void openDocument(doc.id));
    const idCell = el('td');
    idCell.append(open);
    const chars = el('td', number.format(doc.charge.num_chars + doc.charge.num_metadata_chars), 'num');
    chars.title = `${number.format(doc.charge.num_chars)} text + ${number.format(doc.charge.num_metadata_chars)} metadata`;
    const created = el('td');
    const time = el('time', shortTime(doc.created_at));
    time.setAttribute('datetime', doc.created_at);
    created.append(time);
    row.append(idCell, el('td', doc.title), chars, created);
    return row;
  });
  $('documents').querySelector('tbody')?.replaceChildren(...rows);
  $('empty').hidden = documents.length > 0;
  $('empty').textContent = state.prefix === '' ? 'No documents.' : 'No document id starts with that.';
  $('page-number').textContent = `Page ${state.pages.length}`;
  /** @type {HTMLButtonElement} */ ($('prev-page')).disabled = state.pages.length <= 1;
  /** @type {HTMLButtonElement} */ ($('next-page')).disabled = nextKey === '';
}

function showList() {
  state.openId = null;
  $('detail-view').hidden = true;
  $('list-view').hidden = false;
  $('jobs-view').hidden = false;
}

// ------------------------------------------------------------------ batch jobs not done

async function loadJobs() {
  const current = ticket('jobs');
  const view = $('jobs-view');
  const error = $('jobs-error');
  view.setAttribute('aria-busy', 'true');
  error.hidden = true;
  const query = new URLSearchParams({ status: 'queued,processing,failed', limit: String(JOBS_SHOWN) });
  try {
    const body = await api(`${corpusPath()}/jobs?${query}`);
    if (!current()) return;
    renderJobs(body.jobs, body.metadata?.page_key ?? '');
  } catch (err) {
    if (current() && !handleAuthLoss(err)) showError(error, err);
  } finally {
    if (current()) view.setAttribute('aria-busy', 'false');
  }
}

/**
 * @param {Array<{id: string, filename: string, status: string, error: {code: string, detail: string} | null, updated_at: string}>} jobs
 * @param {string} nextKey
 */
function renderJobs(jobs, nextKey) {
  const rows = jobs.map((job) => {
    const row = el('tr');
    row.dataset['id'] = job.id;
    const error = el('td');
    if (job.error) error.append(el('code', job.error.code, 'error-code'), el('span', job.error.detail, 'error-detail'));
    const updated = el('td');
    const time = el('time', shortTime(job.updated_at));
    time.setAttribute('datetime', job.updated_at);
    updated.append(time);
    row.append(el('td', job.id), el('td', job.filename), el('td', job.status, `status status-${job.status}`), error, updated);
    return row;
  });
  $('jobs').querySelector('tbody')?.replaceChildren(...rows);
  $('jobs-empty').hidden = jobs.length > 0;
  $('jobs-more').textContent = nextKey === '' ? '' : `Showing the oldest ${JOBS_SHOWN}; more are waiting or failed.`;
  $('jobs-more').hidden = nextKey === '';
}

// ------------------------------------------------------------------ one document

async function openDocument(/** @type {string} */ id) {
  const current = ticket('detail');
  state.openId = id;
  const view = $('detail-view');
  const error = $('detail-error');
  error.hidden = true;
  for (const part of ['detail-title', 'detail-metadata', 'detail-provenance', 'detail-sections']) $(part).replaceChildren();
  $('detail-id').textContent = id;
  $('list-view').hidden = true;
  $('jobs-view').hidden = true;
  view.hidden = false;
  view.setAttribute('aria-busy', 'true');
  try {
    const [document, record] = await Promise.all([api(documentPath(id)), api(`${documentPath(id)}/info`)]);
    if (!current()) return;
    renderDocument(document, record);
  } catch (err) {
    if (current() && !handleAuthLoss(err)) showError(error, err);
  } finally {
    if (current()) view.setAttribute('aria-busy', 'false');
  }
}

/**
 * @param {{title?: string, section?: Section[]}} document  proto3 JSON of the stored Document
 * @param {{title: string, metadata: Record<string, unknown>, created_at: string,
 *   charge: {num_chars: number, num_metadata_chars: number},
 *   provenance: {source_sha256: string, source_size: number, detected_type: string, extractor: string, extraction_ms: number, uploader: string}}} record
 * @typedef {{title?: string, text?: string, metadataJson?: string, section?: Section[]}} Section
 */
function renderDocument(document, record) {
  $('detail-title').textContent = document.title || record.title || '(untitled)';
  fillDefinitions($('detail-metadata'), Object.entries(record.metadata));
  const p = record.provenance;
  fillDefinitions($('detail-provenance'), [
    ['created', shortTime(record.created_at)],
    ['detected type', p.detected_type],
    ['extractor', p.extractor],
    ['extraction time', `${number.format(p.extraction_ms)} ms`],
    ['source size', `${number.format(p.source_size)} bytes`],
    ['source SHA-256', p.source_sha256],
    ['uploader', p.uploader],
    ['charged', `${number.format(record.charge.num_chars)} text + ${number.format(record.charge.num_metadata_chars)} metadata chars`],
  ]);
  const budget = { left: MAX_SECTIONS };
  const tree = $('detail-sections');
  tree.replaceChildren(...sectionItems(document.section ?? [], budget));
  if (budget.left < 0) tree.append(el('li', `… ${number.format(-budget.left)} more sections not shown`, 'muted'));
  if ((document.section ?? []).length === 0) tree.append(el('li', '(no sections)', 'muted'));
}

/** @param {Section[]} sections @param {{left: number}} budget @returns {HTMLElement[]} */
function sectionItems(sections, budget) {
  const items = [];
  for (const section of sections) {
    if (--budget.left < 0) {
      budget.left -= countSections(section.section ?? []);
      continue;
    }
    const item = el('li', undefined, 'section');
    const head = el('div', undefined, 'section-head');
    head.append(el('span', section.title || '(untitled section)', 'section-title'));
    const pages = pageLabel(section.metadataJson);
    if (pages) head.append(el('span', pages, 'pages'));
    item.append(head);
    const text = section.text ?? '';
    if (text !== '') item.append(el('p', text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text, 'excerpt'));
    const children = section.section ?? [];
    if (children.length > 0) {
      const list = el('ul');
      list.append(...sectionItems(children, budget));
      item.append(list);
    }
    items.push(item);
  }
  return items;
}

/** @param {Section[]} sections @returns {number} */
function countSections(sections) {
  return sections.reduce((n, s) => n + 1 + countSections(s.section ?? []), 0);
}

/** "p. 3" or "pp. 2–4" from a section's {"page": N} or {"pages": [from, to]}. */
function pageLabel(/** @type {string | undefined} */ metadataJson) {
  if (!metadataJson) return '';
  try {
    const meta = JSON.parse(metadataJson);
    if (Number.isInteger(meta?.page)) return `p. ${meta.page}`;
    if (Array.isArray(meta?.pages) && meta.pages.length === 2) return `pp. ${meta.pages[0]}–${meta.pages[1]}`;
  } catch {
    // Not JSON: nothing to show.
  }
  return '';
}

// ------------------------------------------------------------------ delete

function askDelete() {
  if (state.openId === null) return;
  const dialog = /** @type {HTMLDialogElement} */ ($('confirm-delete'));
  $('confirm-id').textContent = state.openId;
  dialog.returnValue = '';
  dialog.showModal();
}

async function confirmDelete() {
  const dialog = /** @type {HTMLDialogElement} */ ($('confirm-delete'));
  const id = state.openId;
  if (dialog.returnValue !== 'delete' || id === null) return;
  const view = $('detail-view');
  view.setAttribute('aria-busy', 'true');
  try {
    await api(documentPath(id), { method: 'DELETE' });
  } catch (err) {
    // Already gone (deleted elsewhere) is what was asked for.
    if (!(err instanceof ApiError && err.status === 404)) {
      view.setAttribute('aria-busy', 'false');
      if (!handleAuthLoss(err)) showError($('detail-error'), err);
      return;
    }
  }
  view.setAttribute('aria-busy', 'false');
  notice(`Deleted ${id}.`);
  showList();
  await Promise.all([refreshUsage(), loadPage(), loadJobs()]);
}

// ------------------------------------------------------------------ wiring

function search(/** @type {SubmitEvent} */ event) {
  event.preventDefault();
  state.prefix = /** @type {HTMLInputElement} */ ($('id-prefix')).value;
  state.pages = [''];
  notice('');
  void loadPage();
}

function start() {
  $('sign-in-form').addEventListener('submit', (event) => void signIn(/** @type {SubmitEvent} */ (event)));
  $('sign-out').addEventListener('click', () => signOut('Signed out.'));
  $('corpus').addEventListener('change', (event) => {
    notice('');
    void pickCorpus(/** @type {HTMLSelectElement} */ (event.target).value);
  });
  $('search-form').addEventListener('submit', (event) => search(/** @type {SubmitEvent} */ (event)));
  $('clear-search').addEventListener('click', () => {
    /** @type {HTMLInputElement} */ ($('id-prefix')).value = '';
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
  $('delete').addEventListener('click', askDelete);
  $('confirm-delete').addEventListener('close', () => void confirmDelete());

  const key = sessionStorage.getItem(KEY_STORAGE);
  if (key === null) {
    signOut();
    return;
  }
  api('v2/corpora')
    .then((body) => showConsole(body.corpora))
    .catch((err) => {
      if (!handleAuthLoss(err)) {
        signOut();
        showError($('sign-in-error'), err);
      }
    });
}

start();
