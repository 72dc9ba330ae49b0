// The chosen corpus: its usage against its quota, and its batch uploads that are not done.
import { api, handleAuthLoss } from './api.js';
import { $, cell, el, number, showError, timeElement } from './dom.js';
import { state, ticket } from './state.js';

/** Batch jobs shown at most (queued, processing and failed ones, oldest first). */
const JOBS_SHOWN = 100;

export const corpusPath = () => `v2/corpora/${encodeURIComponent(state.corpus ?? '')}`;

/**
 * @param {HTMLMeterElement} meter @param {HTMLElement} label
 * @param {number} used @param {number | 'unlimited'} max @param {string} unit
 */
function showQuota(meter, label, used, max, unit) {
  if (max === 'unlimited') {
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

export async function refreshUsage() {
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

export async function loadJobs() {
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
    const problem = document.createDocumentFragment();
    if (job.error) problem.append(el('code', job.error.code, 'error-code'), el('span', job.error.detail, 'error-detail'));
    const error = cell('Error', problem);
    row.append(
      cell('Id', job.id, 'id'),
      cell('File', job.filename),
      cell('Status', job.status, `status status-${job.status}`),
      error,
      cell('Updated', timeElement(job.updated_at)),
    );
    return row;
  });
  $('jobs').querySelector('tbody')?.replaceChildren(...rows);
  $('jobs-empty').hidden = jobs.length > 0;
  $('jobs-more').textContent = nextKey === '' ? '' : `Showing the oldest ${JOBS_SHOWN}; more are waiting or failed.`;
  $('jobs-more').hidden = nextKey === '';
}
