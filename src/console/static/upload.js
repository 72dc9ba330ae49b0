// Uploading files into the chosen corpus: a file picker and a drop zone, several files at once,
// one after another, each with its outcome and a link to the stored document.
import { ApiError, handleAuthLoss, uploadFile } from './api.js';
import { $, byteSize, el } from './dom.js';
import { locationFor, state } from './state.js';

/**
 * The gateway's largest accepted file (MAX_UPLOAD_BYTES, 10 MiB by default), from the page's
 * data-max-upload-bytes: larger files are refused here, before a byte is sent. A gateway
 * configured lower still answers 413, shown like any other refusal.
 */
export function maxUploadBytes() {
  const value = Number(document.body.dataset['maxUploadBytes']);
  return Number.isSafeInteger(value) && value > 0 ? value : 10 * 1024 * 1024;
}

/**
 * Uploads the files one by one (the gateway extracts each before answering).
 * @param {File[]} files @param {(id: string) => void} open opens a stored document
 * @returns {Promise<number>} how many were stored
 */
export async function uploadFiles(files, open) {
  const list = $('upload-results');
  const corpusId = state.corpus;
  const customerId = state.who?.customer_id;
  if (!corpusId || !customerId || files.length === 0) return 0;
  const items = files.map(resultItem);
  list.prepend(...items);
  const view = $('upload-view');
  view.setAttribute('aria-busy', 'true');
  let stored = 0;
  for (const [i, file] of files.entries()) {
    const item = /** @type {HTMLElement} */ (items[i]);
    if (file.size > maxUploadBytes()) {
      showOutcome(item, 'refused', `refused before sending: ${byteSize(file.size)} is over the gateway's ${byteSize(maxUploadBytes())} limit`);
      continue;
    }
    showOutcome(item, 'sending', 'uploading…');
    stored += await uploadOne(item, file, { customerId, corpusId }, open);
  }
  view.setAttribute('aria-busy', 'false');
  return stored;
}

/** @param {HTMLElement} item @param {File} file @param {{customerId: string, corpusId: string}} target @param {(id: string) => void} open */
async function uploadOne(item, file, target, open) {
  try {
    const body = await uploadFile(file, target);
    const already = body.response?.status?.code === 'ALREADY_EXISTS';
    showOutcome(item, already ? 'already' : 'stored', already ? 'already stored' : 'stored');
    const id = body.document?.documentId || file.name;
    item.append(documentLink(id, target.corpusId, open));
    return already ? 0 : 1;
  } catch (err) {
    if (err instanceof ApiError) {
      handleAuthLoss(err);
      showOutcome(item, 'error', err.code || String(err.status), err.details);
    } else {
      showOutcome(item, 'error', 'not sent', `cannot reach the gateway: ${String(err)}`);
    }
    return 0;
  }
}

function resultItem(/** @type {File} */ file) {
  const item = el('li', undefined, 'upload-result');
  item.dataset['name'] = file.name;
  item.append(el('span', file.name, 'upload-name'), el('span', byteSize(file.size), 'muted small'), el('span', '', 'upload-status'));
  return item;
}

/** @param {HTMLElement} item @param {string} kind @param {string} label @param {string} [detail] */
function showOutcome(item, kind, label, detail = '') {
  item.dataset['outcome'] = kind;
  const status = /** @type {HTMLElement} */ (item.querySelector('.upload-status'));
  status.className = `upload-status outcome-${kind}`;
  status.textContent = label;
  item.querySelector('.upload-detail')?.remove();
  if (detail !== '') item.append(el('span', detail, 'upload-detail'));
}

/** A link that opens the stored document here, and in a new tab restores it from the URL. */
function documentLink(/** @type {string} */ id, /** @type {string} */ corpusId, /** @type {(id: string) => void} */ open) {
  const link = /** @type {HTMLAnchorElement} */ (el('a', `open ${id}`, 'open-document'));
  link.href = locationFor({ corpus: corpusId, doc: id });
  link.addEventListener('click', (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    open(id);
  });
  return link;
}

/** The picker and the drop zone hand their files to `upload`. */
export function wireUpload(/** @type {(files: File[]) => void} */ upload) {
  const input = /** @type {HTMLInputElement} */ ($('upload-files'));
  input.addEventListener('change', () => {
    upload([...(input.files ?? [])]);
    input.value = '';
  });
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    upload([...(event.dataTransfer?.files ?? [])]);
  });
}
