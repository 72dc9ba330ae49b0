// The chosen corpus's documents: a page of the list, or one document opened.
import { api, ApiError, handleAuthLoss } from './api.js';
import { corpusPath, loadJobs, refreshUsage } from './corpus.js';
import { $, button, cell, el, fillDefinitions, notice, number, shortTime, showError, timeElement } from './dom.js';
import { renderSections } from './sections.js';
import { state, ticket, writeLocation } from './state.js';

const PAGE_SIZE = 10;

const documentPath = (/** @type {string} */ id) => `${corpusPath()}/documents/${encodeURIComponent(id)}`;

/** Usage, the document list and the batch jobs of the corpus, loaded again. */
export const refreshCorpus = () => Promise.all([refreshUsage(), loadPage(), loadJobs()]);

export async function loadPage() {
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
    const chars = cell('Chars', number.format(doc.charge.num_chars + doc.charge.num_metadata_chars), 'num');
    chars.title = `${number.format(doc.charge.num_chars)} text + ${number.format(doc.charge.num_metadata_chars)} metadata`;
    const open = button(doc.id, () => void openDocument(doc.id), 'link');
    row.append(cell('Id', open, 'id'), cell('Title', doc.title), chars, cell('Created', timeElement(doc.created_at)));
    return row;
  });
  $('documents').querySelector('tbody')?.replaceChildren(...rows);
  $('empty').hidden = documents.length > 0;
  $('empty').textContent = state.prefix === '' ? 'No documents.' : 'No document id starts with that.';
  $('page-number').textContent = `Page ${state.pages.length}`;
  /** @type {HTMLButtonElement} */ ($('prev-page')).disabled = state.pages.length <= 1;
  /** @type {HTMLButtonElement} */ ($('next-page')).disabled = nextKey === '';
}

export function showList() {
  state.openId = null;
  $('detail-view').hidden = true;
  $('list-view').hidden = false;
  $('jobs-view').hidden = false;
  $('upload-view').hidden = false;
  writeLocation();
}

export async function openDocument(/** @type {string} */ id) {
  const current = ticket('detail');
  state.openId = id;
  writeLocation();
  const view = $('detail-view');
  const error = $('detail-error');
  error.hidden = true;
  for (const part of ['detail-title', 'detail-metadata', 'detail-provenance', 'detail-sections']) $(part).replaceChildren();
  $('detail-id').textContent = id;
  for (const part of ['list-view', 'jobs-view', 'upload-view']) $(part).hidden = true;
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
 * @param {{title?: string, section?: import('./sections.js').Section[]}} document  proto3 JSON of the stored Document
 * @param {{title: string, metadata: Record<string, unknown>, created_at: string,
 *   charge: {num_chars: number, num_metadata_chars: number},
 *   provenance: {source_sha256: string, source_size: number, detected_type: string, extractor: string, extraction_ms: number, uploader: string}}} record
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
  renderSections($('detail-sections'), document.section ?? []);
}

export function askDelete() {
  if (state.openId === null) return;
  const dialog = /** @type {HTMLDialogElement} */ ($('confirm-delete'));
  $('confirm-id').textContent = state.openId;
  dialog.returnValue = '';
  dialog.showModal();
}

export async function confirmDelete() {
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
  await refreshCorpus();
}
