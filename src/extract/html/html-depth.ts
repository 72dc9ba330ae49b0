/**
 * Element nesting kept in a page: deeper start tags are taken out before parsing (their text
 * stays, one level up). The HTML parser (htmlparser2, under linkedom) keeps its open elements in
 * an array it unshifts: a page of 100,000 nested <div>s took it 4 s, 10 MB of them minutes; and
 * every tree walk after it would be as deep. Real pages nest a few dozen levels, sloppy ones (a
 * <font> never closed, again and again) a few hundred.
 */
export const MAX_HTML_DEPTH = 1_000;

const VOID = new Set(['area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
/** Elements whose content is raw text to the parser (no tags inside). */
const RAW_TEXT = new Set(['script', 'style', 'title', 'textarea', 'xmp']);
const P = new Set(['p']);
const FORM = new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea']);
/** htmlparser2's openImpliesClose: opening the key closes open elements of the set on top of the stack. */
const IMPLIES_CLOSE = new Map<string, ReadonlySet<string>>([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['body', new Set(['head', 'link', 'script'])],
  ['li', new Set(['li'])],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['dd', new Set(['dd', 'dt'])],
  ['dt', new Set(['dd', 'dt'])],
  ['rt', new Set(['rt', 'rp'])],
  ['rp', new Set(['rt', 'rp'])],
  ['tbody', new Set(['thead', 'tbody'])],
  ['tfoot', new Set(['thead', 'tbody'])],
  ...['select', 'input', 'output', 'button', 'datalist', 'textarea'].map((t) => [t, FORM] as const),
  ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'address', 'article', 'aside', 'blockquote', 'details', 'div', 'dl', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hr', 'main', 'nav', 'ol', 'pre', 'section', 'table', 'ul'].map((t) => [t, P] as const),
]);

/** A tag's name after '<' or '</' (as the parser reads one: up to whitespace, '/' or '>'). */
const TAG_NAME = /[a-zA-Z][^\s/>]*/y;

/** The page as the parser will get it, and what the scan found. */
export interface Prescan {
  readonly html: string;
  /** Start tags taken out for nesting past the cap. */
  readonly dropped: number;
  /** Start tags of elements the parser will create (an estimate of the DOM's size). */
  readonly elements: number;
}

/**
 * The page with start tags past `maxDepth` open elements removed, and how many were. The scan
 * follows the parser's own rules for what stays open (void elements, implied end tags, an end tag
 * closing everything opened after its element, raw-text elements), so the depth it counts is the
 * depth the parser builds; where it is unsure it over-counts, which costs only a flattened tag.
 */
export function flattenDeepNesting(html: string, maxDepth = MAX_HTML_DEPTH): Prescan {
  const stack = new OpenElements();
  const pieces: string[] = [];
  let copiedTo = 0;
  let dropped = 0;
  let elements = 0;
  for (let i = html.indexOf('<'); i >= 0 && i < html.length; i = html.indexOf('<', i)) {
    const skipTo = markupEnd(html, i);
    if (skipTo !== null) {
      i = skipTo;
      continue;
    }
    const closing = html[i + 1] === '/';
    TAG_NAME.lastIndex = i + (closing ? 2 : 1);
    const tagName = TAG_NAME.exec(html)?.[0];
    if (!tagName) {
      i++;
      continue;
    }
    // A tag without its '>' runs to the end of the page for the parser too: nothing more opens.
    const tagEnd = closing ? html.indexOf('>', TAG_NAME.lastIndex) + 1 : startTagEnd(html, TAG_NAME.lastIndex);
    if (tagEnd <= 0) break;
    if (closing) {
      stack.close(tagName.toLowerCase());
      i = tagEnd;
      continue;
    }
    const name = tagName.toLowerCase();
    elements++;
    stack.impliedClose(name);
    const start = i;
    i = tagEnd;
    if (RAW_TEXT.has(name)) i = rawTextEnd(html, name, i);
    else if (VOID.has(name) || (html[tagEnd - 2] === '/' && stack.inForeignContent())) continue;
    else if (stack.depth < maxDepth) stack.open(name);
    else {
      pieces.push(html.slice(copiedTo, start));
      copiedTo = i;
      dropped++;
    }
  }
  if (dropped === 0) return { html, dropped, elements };
  pieces.push(html.slice(copiedTo));
  return { html: pieces.join(''), dropped, elements };
}

/** The parser's stack of open elements, by name (with counts, so an end tag's match is found in O(1)). */
class OpenElements {
  private readonly names: string[] = [];
  private readonly counts = new Map<string, number>();

  get depth(): number {
    return this.names.length;
  }

  open(name: string): void {
    this.names.push(name);
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  /** An end tag closes its element and all opened after it; one without an open element is ignored. */
  close(name: string): void {
    if ((this.counts.get(name) ?? 0) > 0) while (this.pop() !== name);
  }

  impliedClose(name: string): void {
    const closes = IMPLIES_CLOSE.get(name);
    while (closes && this.names.length > 0 && closes.has(this.names[this.names.length - 1]!)) this.pop();
  }

  /** Inside <svg> or <math>, where `<x/>` closes itself. */
  inForeignContent(): boolean {
    return (this.counts.get('svg') ?? 0) > 0 || (this.counts.get('math') ?? 0) > 0;
  }

  private pop(): string {
    const name = this.names.pop()!;
    this.counts.set(name, this.counts.get(name)! - 1);
    return name;
  }
}

/** Past a comment, declaration or processing instruction starting at `i`; null when none starts there. */
function markupEnd(html: string, i: number): number | null {
  if (html.startsWith('<!--', i)) return skipPast(html, '-->', i + 4);
  const next = html[i + 1];
  return next === '!' || next === '?' ? skipPast(html, '>', i + 2) : null;
}

/**
 * Past the '>' that ends a start tag whose attributes begin at `from`, or 0 when none does. As
 * the parser reads attributes, a quote opens a quoted value only right after '=' (`<x "a>` is an
 * attribute named `"a`); an unquoted value runs to whitespace or '>'. One pass, no backtracking:
 * a regex with quoted alternatives re-scanned the rest of the page from every '<' of
 * `<a "<a "<a "…` — quadratic.
 */
function startTagEnd(html: string, from: number): number {
  const n = html.length;
  let i = from;
  while (i < n) {
    const c = html[i];
    if (c === '>') return i + 1;
    i++;
    if (c !== '=') continue;
    while (i < n && isSpace(html.charCodeAt(i))) i++;
    const quote = html[i];
    if (quote === '"' || quote === "'") {
      const close = html.indexOf(quote, i + 1);
      if (close < 0) return 0;
      i = close + 1;
    } else {
      while (i < n && html[i] !== '>' && !isSpace(html.charCodeAt(i))) i++;
    }
  }
  return 0;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

function skipPast(html: string, end: string, from: number): number {
  const at = html.indexOf(end, from);
  return at < 0 ? html.length : at + end.length;
}

/** Where a raw-text element's content ends: its end tag (any case), or the end of the page. */
function rawTextEnd(html: string, name: string, from: number): number {
  const close = new RegExp(`</${name}[\\s/>]`, 'ig');
  close.lastIndex = from;
  const m = close.exec(html);
  return m ? m.index : html.length;
}
