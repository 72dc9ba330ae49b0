import { parseHTML } from 'linkedom';

/** Elements whose content is never text: scripts and styles are neither run nor kept. */
const DROPPED = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'HEAD', 'IFRAME', 'OBJECT', 'SVG', 'MATH']);
/** Elements that end a line. */
const BLOCK = new Set(['P', 'DIV', 'BR', 'LI', 'TR', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'UL', 'OL', 'TABLE', 'BLOCKQUOTE', 'PRE', 'SECTION', 'ARTICLE', 'HEADER', 'FOOTER', 'DT', 'DD', 'HR', 'DETAILS', 'SUMMARY', 'FIGURE', 'FIGCAPTION']);
const CELL = new Set(['TD', 'TH']);

interface DomNode {
  nodeType: number;
  nodeName: string;
  nodeValue: string | null;
  childNodes: ArrayLike<DomNode>;
}

/**
 * The text of an HTML fragment found in markdown (an HTML block or inline tags): parsed by
 * linkedom (never rendered, nothing fetched), block elements ending lines, cells tab-separated.
 * Walked with an explicit stack: deeply nested tags cannot overflow the call stack.
 */
export function htmlText(html: string): string {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const body = document.body as unknown as DomNode | null;
  if (!body) return '';
  let out = '';
  const stack: (DomNode | string)[] = [body];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (typeof node === 'string') {
      out += node;
      continue;
    }
    if (node.nodeType === 3) out += node.nodeValue ?? '';
    if (node.nodeType !== 1 || DROPPED.has(node.nodeName.toUpperCase())) continue;
    const name = node.nodeName.toUpperCase();
    if (BLOCK.has(name)) stack.push('\n');
    else if (CELL.has(name)) stack.push('\t');
    for (let i = node.childNodes.length - 1; i >= 0; i--) stack.push(node.childNodes[i]!);
    if (BLOCK.has(name)) stack.push('\n');
  }
  return out;
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
const decodedNames = new Map<string, string>();

/**
 * Character references in markdown text (marked's lexer leaves `&amp;`, `&#233;` as written):
 * numeric ones computed, named ones by HTML's table (linkedom's parser, asked once per name).
 */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g, (whole, dec?: string, hex?: string, name?: string) => {
    if (dec !== undefined || hex !== undefined) {
      const cp = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
      return cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? '\ufffd' : String.fromCodePoint(cp);
    }
    return named(name!) ?? whole;
  });
}

function named(name: string): string | null {
  if (NAMED[name] !== undefined) return NAMED[name];
  let value = decodedNames.get(name);
  if (value === undefined) {
    if (decodedNames.size > 2000) decodedNames.clear();
    const text = htmlText(`&${name};`);
    value = text === `&${name};` ? '' : text;
    decodedNames.set(name, value);
  }
  return value === '' ? null : value;
}
