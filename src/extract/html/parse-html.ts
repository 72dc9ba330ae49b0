import { DOMParser } from 'linkedom';
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
  querySelector(selector: string): HtmlElement | null;
  querySelectorAll(selector: string): ArrayLike<HtmlElement>;
  remove(): void;
}
export interface HtmlDocument {
  readonly documentElement: HtmlElement | null;
  readonly head: HtmlElement | null;
  readonly body: HtmlElement | null;
  querySelector(selector: string): HtmlElement | null;
  querySelectorAll(selector: string): ArrayLike<HtmlElement>;
  cloneNode(deep: boolean): HtmlDocument;
}

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;
export const CDATA_SECTION_NODE = 4;

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
}

/**
 * A page's text parsed as HTML, never as XML, whatever its extension: XHTML read by the HTML parser
 * keeps its content, and a DOCTYPE's internal subset is never read, so DTD entities (a billion
 * laughs) are never expanded — `&lol9;` stays the literal text it is.
 */
export function parseHtml(text: string): ParsedHtml {
  const { html, dropped } = flattenDeepNesting(text, MAX_HTML_DEPTH);
  const document = new DOMParser().parseFromString(html, 'text/html') as unknown as HtmlDocument;
  for (const element of Array.from(document.querySelectorAll(NOT_CONTENT))) element.remove();
  return { document, flattened: dropped };
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
