import { SaxesParser, type SaxesTagNS } from 'saxes';
import { ExtractionError } from '../errors/index.js';
import { MAX_XML_DEPTH } from './xml-depth.js';

/**
 * A small element tree of one XML part (a slide, an ODF content.xml), parsed with saxes, for the
 * extractors that read OOXML/ODF parts themselves (pptx, odt). Element and attribute names are
 * given with a fixed prefix per namespace URI ('p:sp', 'text:h', 'r:id'), whatever prefix the file
 * uses; an unknown namespace gives '{uri}local'.
 *
 * Hostile input: saxes never expands DTD entities and never fetches external ones; a part that
 * declares a DTD at all is refused (CORRUPT) — OOXML and ODF parts never have one, and a billion-
 * laughs or external-entity file is exactly a part with one. Nesting is capped at MAX_XML_DEPTH
 * (zip-guard measured it before; checked again here so the tree can be walked recursively).
 */
export interface XmlNode {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: (XmlNode | string)[];
}

const NAMESPACES: Readonly<Record<string, string>> = {
  'http://schemas.openxmlformats.org/drawingml/2006/main': 'a',
  'http://purl.oclc.org/ooxml/drawingml/main': 'a',
  'http://schemas.openxmlformats.org/presentationml/2006/main': 'p',
  'http://purl.oclc.org/ooxml/presentationml/main': 'p',
  'http://schemas.openxmlformats.org/officeDocument/2006/relationships': 'r',
  'http://purl.oclc.org/ooxml/officeDocument/relationships': 'r',
  'http://schemas.openxmlformats.org/package/2006/relationships': 'rel',
  'http://schemas.openxmlformats.org/markup-compatibility/2006': 'mc',
  'http://purl.org/dc/elements/1.1/': 'dc',
  'urn:oasis:names:tc:opendocument:xmlns:office:1.0': 'office',
  'urn:oasis:names:tc:opendocument:xmlns:text:1.0': 'text',
  'urn:oasis:names:tc:opendocument:xmlns:table:1.0': 'table',
  'urn:oasis:names:tc:opendocument:xmlns:meta:1.0': 'meta',
  'urn:oasis:names:tc:opendocument:xmlns:drawing:1.0': 'draw',
  'urn:oasis:names:tc:opendocument:xmlns:style:1.0': 'style',
};

function mapName(uri: string, local: string): string {
  if (uri === '') return local;
  const prefix = NAMESPACES[uri];
  return prefix ? `${prefix}:${local}` : `{${uri}}${local}`;
}

/** The part's text: UTF-8 unless it starts with a UTF-16 byte-order mark. */
export function decodePart(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  return bytes.toString('utf8').replace(/^\ufeff/, '');
}

/** Parses `xml` (the part named `part`, for messages) into its root element. */
export function parseXmlTree(xml: Buffer | string, part: string): XmlNode {
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: XmlNode[] = [];
  let root: XmlNode | null = null;
  parser.on('doctype', () => {
    throw new ExtractionError('CORRUPT', `${part} declares a DTD (<!DOCTYPE>): Office and OpenDocument parts never do, and its entities are not expanded; refused`);
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= MAX_XML_DEPTH) throw new ExtractionError('EXTRACTION_RESOURCE_LIMIT', `${part} nests XML elements deeper than ${MAX_XML_DEPTH} levels`);
    const node: XmlNode = { name: mapName(tag.uri, tag.local), attrs: attributes(tag), children: [] };
    stack[stack.length - 1]?.children.push(node);
    stack.push(node);
  });
  parser.on('closetag', () => {
    const node = stack.pop()!;
    if (stack.length === 0) root = node;
    else if (node.name === 'mc:AlternateContent') collapseAlternate(stack[stack.length - 1]!, node);
  });
  parser.on('text', (text) => stack[stack.length - 1]?.children.push(text));
  parser.on('cdata', (text) => stack[stack.length - 1]?.children.push(text));
  try {
    parser.write(typeof xml === 'string' ? xml : decodePart(xml)).close();
  } catch (err) {
    if (err instanceof ExtractionError) throw err;
    throw new ExtractionError('CORRUPT', `${part} is not well-formed XML: ${String((err as Error).message).slice(0, 200)}`);
  }
  if (!root) throw new ExtractionError('CORRUPT', `${part} has no root element`);
  return root;
}

function attributes(tag: SaxesTagNS): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const a of Object.values(tag.attributes)) {
    if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
    attrs[mapName(a.uri, a.local)] = a.value;
  }
  return attrs;
}

/**
 * mc:AlternateContent offers the same content twice (a newer-feature mc:Choice and an mc:Fallback):
 * only one is kept, the Fallback (what any reader shows), else the first Choice, in its place.
 */
function collapseAlternate(parent: XmlNode, alternate: XmlNode): void {
  const kids = alternate.children.filter((c): c is XmlNode => typeof c !== 'string');
  const chosen = kids.find((c) => c.name === 'mc:Fallback') ?? kids.find((c) => c.name === 'mc:Choice');
  const at = parent.children.lastIndexOf(alternate);
  parent.children.splice(at, 1, ...(chosen?.children ?? []));
}

/** Element children, optionally only those named `name`. */
export function elements(node: XmlNode, name?: string): XmlNode[] {
  return node.children.filter((c): c is XmlNode => typeof c !== 'string' && (name === undefined || c.name === name));
}

/** The first element child named `name`. */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return node?.children.find((c): c is XmlNode => typeof c !== 'string' && c.name === name);
}

/** The first descendant (depth first, document order) named `name`. */
export function descendant(node: XmlNode, name: string): XmlNode | undefined {
  const stack: XmlNode[] = [node];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n !== node && n.name === name) return n;
    for (let i = n.children.length - 1; i >= 0; i--) {
      const c = n.children[i]!;
      if (typeof c !== 'string') stack.push(c);
    }
  }
  return undefined;
}

/** All character data under `node`, concatenated. */
export function allText(node: XmlNode): string {
  return node.children.map((c) => (typeof c === 'string' ? c : allText(c))).join('');
}
