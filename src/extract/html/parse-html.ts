import v8 from 'node:v8';
import { DOMParser } from 'linkedom';
import { ExtractionError } from '../../errors/index.js';
import { flattenDeepNesting, MAX_HTML_DEPTH } from './html-depth.js';

/**
 * The part of linkedom's DOM this module and the section builder use (the project compiles without
 * the DOM lib: linkedom's own classes stand behind these shapes).
 */
export interface HtmlNode {
  readonly nodeType: number;
  readonly localName?: string;
  readonly childNodes: ArrayLike<HtmlNode>;
  readonly textContent: string | null;
  readonly parentNode: HtmlNode | null;
  getAttribute?(name: string): string | null;
  remove?(): void;
}
export interface HtmlElement extends HtmlNode {
  readonly localName: string;
  getAttribute(name: string): string | null;
  appendChild(node: HtmlNode): HtmlNode;
  querySelector(selector: string): HtmlElement | null;
  querySelectorAll(selector: string): ArrayLike<HtmlElement>;
  remove(): void;
}
export interface HtmlDocument {
  readonly childNodes: ArrayLike<HtmlNode>;
  readonly documentElement: HtmlElement | null;
  readonly head: HtmlElement | null;
  readonly body: HtmlElement | null;
  querySelector(selector: string): HtmlElement | null;
  querySelectorAll(selector: string): ArrayLike<HtmlElement>;
  cloneNode(deep: boolean): HtmlDocument;
  createElement(name: string): HtmlElement;
  appendChild(node: HtmlNode): HtmlNode;
}

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;
export const CDATA_SECTION_NODE = 4;
const DOCUMENT_TYPE_NODE = 10;
/** Elements that belong in <head> wherever a page puts them. */
const HEAD_ONLY = new Set(['title', 'meta', 'link', 'base']);

/**
 * Never text a reader is given: scripts and styles (never run — linkedom runs nothing — and never
 * kept), what shows only without scripts, templates, embedded frames and objects, forms' option
 * lists, and inline SVG/MathML markup.
 */
const NOT_CONTENT = 'script, style, noscript, template, iframe, frame, frameset, object, embed, svg, math, select, canvas, audio, video';

export interface ParsedHtml {
  readonly document: HtmlDocument;
  /** Start tags taken out for nesting past MAX_HTML_DEPTH (html-depth.ts). */
  readonly flattened: number;
  /** Elements in the page (counted before parsing). */
  readonly elements: number;
}

/**
 * Heap one element of a page takes once parsed: linkedom's element, its text node and end marker,
 * then the section walk (measured: 300,000 `<p>a b</p>` took 253 MB parsed, 299 MB walked), with room.
 */
const HEAP_BYTES_PER_ELEMENT = 1_500;

/**
 * Elements this worker's heap (EXTRACT_MAX_HEAP_MB) can hold parsed. A page with more is refused
 * before parsing — 10 MB of `<p>a b</p>` is a million elements, ~850 MB — instead of the worker
 * dying of its heap cap mid-parse.
 */
export function elementBudget(): number {
  return Math.floor(v8.getHeapStatistics().heap_size_limit / HEAP_BYTES_PER_ELEMENT);
}

/**
 * A page's text parsed as HTML, never as XML, whatever its extension: XHTML read by the HTML parser
 * keeps its content, and a DOCTYPE's internal subset is never read, so DTD entities (a billion
 * laughs) are never expanded — `&lol9;` stays the literal text it is.
 */
export function parseHtml(text: string): ParsedHtml {
  const { html, dropped, elements } = flattenDeepNesting(text, MAX_HTML_DEPTH);
  const budget = elementBudget();
  if (elements > budget) {
    throw new ExtractionError('EXTRACTION_RESOURCE_LIMIT', `the page has ${elements} elements; an extraction worker's heap (EXTRACT_MAX_HEAP_MB) holds at most about ${budget} parsed`);
  }
  const document = new DOMParser().parseFromString(html, 'text/html') as unknown as HtmlDocument;
  for (const element of Array.from(document.querySelectorAll(NOT_CONTENT))) element.remove();
  giveHeadAndBody(document);
  return { document, flattened: dropped, elements };
}

/**
 * Makes the tree <html><head/><body/></html> with every node of the page in one of the two.
 * linkedom builds only what the markup spells out: a fragment ("<p>…") has no <html>, a page
 * without a <body> tag has its text straight in <html> — and linkedom's `body` getter then
 * creates an empty <body> (so does Readability's reading of it), losing the page's text.
 */
function giveHeadAndBody(document: HtmlDocument): void {
  const root = document.documentElement?.localName === 'html' ? document.documentElement : null;
  const html = root ?? document.createElement('html');
  const head = (Array.from(html.childNodes).find((n) => n.localName === 'head') as HtmlElement | undefined) ?? document.createElement('head');
  const body = document.createElement('body');
  const take = (node: HtmlNode) => {
    if (node === head || node.nodeType === DOCUMENT_TYPE_NODE) return;
    if (node === html) return Array.from(html.childNodes).forEach(take);
    if (node.localName === 'body' && node.parentNode === html) return Array.from(node.childNodes).forEach(take);
    (HEAD_ONLY.has(node.localName ?? '') ? head : body).appendChild(node);
  };
  Array.from(document.childNodes).forEach(take);
  for (const old of Array.from(html.childNodes)) if (old !== head) old.remove?.();
  html.appendChild(head);
  html.appendChild(body);
  if (!root) document.appendChild(html);
}

/** The head's metadata: title, `<meta name>` description/author/keywords, the root's lang. */
export function readHead(document: HtmlDocument): Record<string, string> {
  const out: Record<string, string> = {};
  const title = oneLine(document.querySelector('title')?.textContent);
  if (title) out['title'] = title;
  for (const meta of Array.from(document.querySelectorAll('meta[name]'))) {
    const name = meta.getAttribute('name')!.trim().toLowerCase();
    const key = name === 'dc.creator' ? 'author' : name === 'dc.description' ? 'description' : name;
    const content = oneLine(meta.getAttribute('content'));
    if (['description', 'author', 'keywords'].includes(key) && content && !out[key]) out[key] = content;
  }
  const root = document.documentElement;
  const lang = oneLine(root?.getAttribute('lang') ?? root?.getAttribute('xml:lang'));
  if (lang) out['lang'] = lang;
  return out;
}

export function oneLine(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}
