// A document's section tree: titles, page badges, an excerpt of each section's text that expands
// to the full text.
import { button, el, number } from './dom.js';

const EXCERPT_CHARS = 200;
/** More sections than this are summarised: a 2,000-page PDF must not freeze the tab. */
const MAX_SECTIONS = 2000;

/** @typedef {{title?: string, text?: string, metadataJson?: string, section?: Section[]}} Section */

/** @param {HTMLElement} tree @param {Section[]} sections */
export function renderSections(tree, sections) {
  const budget = { left: MAX_SECTIONS };
  tree.replaceChildren(...sectionItems(sections, budget));
  if (budget.left < 0) tree.append(el('li', `… ${number.format(-budget.left)} more sections not shown`, 'muted'));
  if (sections.length === 0) tree.append(el('li', '(no sections)', 'muted'));
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
    if (text !== '') item.append(...sectionText(text));
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

/** The text's excerpt; a longer text gets a button that shows all of it and back. */
function sectionText(/** @type {string} */ text) {
  if (text.length <= EXCERPT_CHARS) return [el('p', text, 'excerpt')];
  const excerpt = `${text.slice(0, EXCERPT_CHARS)}…`;
  const paragraph = el('p', excerpt, 'excerpt');
  const toggle = button(`Show full text (${number.format(text.length)} chars)`, () => {
    const expand = toggle.getAttribute('aria-expanded') !== 'true';
    paragraph.textContent = expand ? text : excerpt;
    paragraph.classList.toggle('full', expand);
    toggle.setAttribute('aria-expanded', String(expand));
    toggle.textContent = expand ? 'Show less' : `Show full text (${number.format(text.length)} chars)`;
  }, 'toggle small');
  toggle.setAttribute('aria-expanded', 'false');
  return [paragraph, toggle];
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
