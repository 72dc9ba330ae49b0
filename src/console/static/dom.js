// Small DOM helpers of the console. Every value from the gateway is user input (document ids,
// titles, metadata): it is rendered with textContent only, never parsed as HTML.
import { ApiError } from './api.js';

export const number = new Intl.NumberFormat('en-US');

/** @param {string} id @returns {HTMLElement} */
export function $(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element;
}

/** @param {string} id */
export const inputOf = (id) => /** @type {HTMLInputElement} */ ($(id));
/** @param {string} id */
export const selectOf = (id) => /** @type {HTMLSelectElement} */ ($(id));

/** @param {string} tag @param {string} [text] @param {string} [className] */
export function el(tag, text, className) {
  const element = document.createElement(tag);
  if (text !== undefined) element.textContent = text;
  if (className) element.className = className;
  return element;
}

/** A table cell labelled for the phone layout, where rows stack and each cell shows its column. */
export function cell(/** @type {string} */ label, /** @type {string | Node | undefined} */ content, className = '') {
  const td = el('td', undefined, className);
  td.dataset['label'] = label;
  // One wrapper: in the phone layout the cell is a grid of its label and this.
  const value = el('div', undefined, 'cell-value');
  if (typeof content === 'string') value.textContent = content;
  else if (content) value.append(content);
  td.append(value);
  return td;
}

/** A button that does not submit its form. */
export function button(/** @type {string} */ text, /** @type {() => void} */ onClick, className = '') {
  const element = /** @type {HTMLButtonElement} */ (el('button', text, className));
  element.type = 'button';
  element.addEventListener('click', onClick);
  return element;
}

/** @param {HTMLElement} element @param {unknown} error */
export function showError(element, error) {
  element.textContent = error instanceof ApiError ? `The gateway answered ${error.message}` : `Cannot reach the gateway: ${String(error)}`;
  element.hidden = false;
}

export function notice(/** @type {string} */ text) {
  const element = $('notice');
  element.textContent = text;
  element.hidden = text === '';
}

/** @param {HTMLElement} list @param {Array<[string, unknown]>} entries */
export function fillDefinitions(list, entries) {
  list.replaceChildren();
  if (entries.length === 0) list.append(el('dd', '(none)', 'muted'));
  for (const [key, value] of entries) {
    list.append(el('dt', key), el('dd', typeof value === 'string' ? value : JSON.stringify(value)));
  }
}

/** @param {string} iso */
export function shortTime(iso) {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

/** A <time> element showing an ISO instant in short form. */
export function timeElement(/** @type {string} */ iso) {
  const time = el('time', shortTime(iso));
  time.setAttribute('datetime', iso);
  return time;
}

/** "10 MiB", "1.5 KiB", "312 bytes". */
export function byteSize(/** @type {number} */ bytes) {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/**
 * Copies text to the clipboard and says so on the button for a moment. Without clipboard access
 * (an insecure origin, a refused permission) the button says to copy by hand.
 */
export async function copyText(/** @type {HTMLButtonElement} */ target, /** @type {string} */ text) {
  const label = target.dataset['label'] ?? target.textContent ?? 'Copy';
  target.dataset['label'] = label;
  try {
    await navigator.clipboard.writeText(text);
    target.textContent = 'Copied';
  } catch {
    target.textContent = 'Copy refused: select the text';
  }
  setTimeout(() => { target.textContent = label; }, 2000);
}
