import { MAX_XML_DEPTH } from './xml-depth.js';

/**
 * A streaming walk over the elements of an XML part, for the few OOXML parts the extractor reads
 * beside mammoth. Names come out as mammoth's XML reader (lib/docx/office-xml-reader.js) names
 * them: by namespace URI, not by the prefix the file happens to use ('w:p' for the transitional
 * and the Strict WordprocessingML namespace, 'mc:', 'v:'; '{uri}local' for other namespaces), and
 * mc:AlternateContent is collapsed to its mc:Fallback the way mammoth collapses it, so a walk sees
 * the elements mammoth sees. Text content is not read.
 *
 * Hostile input: one linear regex scan (the attribute pattern's alternatives start with disjoint
 * characters), no recursion, nesting capped at MAX_XML_DEPTH (zip-guard refuses deeper parts
 * before this runs); a malformed part ends the walk, it never throws.
 */
export interface XmlElement {
  readonly name: string;
  /** An attribute by its mapped name ('w:val'), entities decoded. */
  attr(name: string): string | undefined;
}

/** Called for each element as it opens, with its open ancestors (outermost first); false skips its subtree. */
export type XmlVisitor = (element: XmlElement, parents: readonly XmlElement[]) => boolean | void;

const NAMESPACES: Record<string, string> = {
  'http://schemas.openxmlformats.org/wordprocessingml/2006/main': 'w',
  'http://purl.oclc.org/ooxml/wordprocessingml/main': 'w',
  'http://schemas.openxmlformats.org/markup-compatibility/2006': 'mc',
  'urn:schemas-microsoft-com:vml': 'v',
};
/**
 * A tag (group 1 '/', 2 name, 3 attributes, ending in '/' when self-closing), or the start of a
 * comment or CDATA section (group 4, its end found with indexOf), or a declaration or processing
 * instruction. No alternative runs past a '<' outside quotes, so a failed match costs no rescan.
 */
const TAG = /<(?:(\/)?([^\s/<>!?]+)((?:[^<>"']|"[^"]*"|'[^']*')*)>|(!--|!\[CDATA\[)|[!?][^<>]*>)/g;
const ATTR = /([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Prefix → namespace URI in scope; replaced, never changed, so an element can keep the one it opened in. */
type Scope = ReadonlyMap<string, string>;

interface Frame {
  readonly qname: string;
  readonly element: XmlElement | null; // null: an mc:AlternateContent or mc:Fallback, collapsed
  readonly alternate: boolean;
  /** The scope around this element, back in force when it closes. */
  readonly outer: Scope;
  fallbackSeen: boolean;
}

/** Walks `xml`; returns false when it was cut short (malformed or too deep). */
export function walkXml(xml: string, visit: XmlVisitor, maxDepth = MAX_XML_DEPTH): boolean {
  let scope: Scope = new Map();
  const frames: Frame[] = [];
  const parents: XmlElement[] = [];
  let skipping = 0;
  const tag = new RegExp(TAG.source, 'g');
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    const [, closing, qname, rawAttrs = '', opener] = m;
    if (opener) {
      const end = xml.indexOf(opener === '!--' ? '-->' : ']]>', tag.lastIndex);
      if (end < 0) return false;
      tag.lastIndex = end + 3;
      continue;
    }
    if (qname === undefined) continue; // declaration, processing instruction
    const selfClosing = rawAttrs.endsWith('/');
    if (skipping > 0) {
      if (closing) skipping--;
      else if (!selfClosing) skipping++;
      continue;
    }
    if (closing) {
      const frame = frames.pop();
      if (!frame || frame.qname !== qname) return false;
      if (frame.element) parents.pop();
      scope = frame.outer;
      continue;
    }
    const outer = scope;
    if (rawAttrs.includes('xmlns')) scope = declare(scope, rawAttrs);
    const name = mapName(scope, qname, false);
    const around = frames[frames.length - 1];
    let skip = false;
    let element: XmlElement | null = null;
    if (around?.alternate) {
      // Only the first mc:Fallback of an mc:AlternateContent is kept, as its parent's children.
      skip = name !== 'mc:Fallback' || around.fallbackSeen;
      if (name === 'mc:Fallback') around.fallbackSeen = true;
    } else if (name !== 'mc:AlternateContent') {
      element = new LazyElement(name, rawAttrs, scope);
      skip = visit(element, parents) === false;
    }
    if (skip || selfClosing) {
      scope = outer;
      if (skip && !selfClosing) skipping = 1;
      continue;
    }
    if (frames.length >= maxDepth) return false;
    frames.push({ qname, element, alternate: name === 'mc:AlternateContent', outer, fallbackSeen: false });
    if (element) parents.push(element);
  }
  return frames.length === 0 && skipping === 0;
}

/** `scope` with the xmlns / xmlns:prefix declarations among `rawAttrs`. */
function declare(scope: Scope, rawAttrs: string): Scope {
  let declared: Map<string, string> | null = null;
  for (const [, attr = '', dq, sq] of rawAttrs.matchAll(ATTR)) {
    if (attr !== 'xmlns' && !attr.startsWith('xmlns:')) continue;
    declared ??= new Map(scope);
    declared.set(attr.slice(6), decodeXml(dq ?? sq ?? ''));
  }
  return declared ?? scope;
}

/** A name as mammoth's reader gives it: by namespace URI; unprefixed attributes have no namespace. */
function mapName(scope: Scope, qname: string, isAttribute: boolean): string {
  const colon = qname.indexOf(':');
  if (colon < 0 && isAttribute) return qname;
  const uri = scope.get(colon < 0 ? '' : qname.slice(0, colon));
  const local = qname.slice(colon + 1);
  if (uri === undefined) return local;
  return NAMESPACES[uri] !== undefined ? `${NAMESPACES[uri]}:${local}` : `{${uri}}${local}`;
}

/** An element; its attributes are parsed on first use, in the namespace scope it opened in. */
class LazyElement implements XmlElement {
  #attrs: Map<string, string> | null = null;
  readonly #raw: string;
  readonly #scope: Scope;
  constructor(
    readonly name: string,
    raw: string,
    scope: Scope,
  ) {
    this.#raw = raw;
    this.#scope = scope;
  }
  attr(wanted: string): string | undefined {
    if (!this.#attrs) {
      this.#attrs = new Map();
      for (const [, qname = '', dq, sq] of this.#raw.matchAll(ATTR)) this.#attrs.set(mapName(this.#scope, qname, true), decodeXml(dq ?? sq ?? ''));
    }
    return this.#attrs.get(wanted);
  }
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The five predefined entities and character references; a reference past U+10FFFF becomes U+FFFD. */
export function decodeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(?:#x([0-9a-fA-F]{1,8})|#([0-9]{1,10})|(lt|gt|amp|quot|apos));/g, (_, hex?: string, dec?: string, named?: string) => {
    if (named) return ENTITIES[named]!;
    const code = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    return code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
  });
}
