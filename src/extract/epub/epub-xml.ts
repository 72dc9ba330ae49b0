import { SaxesParser } from 'saxes';

/** One element of a small XML part: its local name (prefix dropped), attributes (by local name too), text, children. */
export interface XmlNode {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlNode[];
  text: string;
}

/**
 * An EPUB package part (container.xml, the OPF, the NCX, encryption.xml) as a small tree, read
 * with saxes: it reads a DOCTYPE but never defines its entities, so a billion-laughs chain is an
 * undefined entity, left as the literal text it is — nothing expands. Parsing is lenient (saxes
 * goes on after an error: OPFs in the wild hold an `&nbsp;` or a stray `&`); what a broken part
 * lacks, the caller finds missing. Nesting was capped by zip-guard before (MAX_XML_DEPTH), and
 * the tree is only built, never walked by recursion here. Names lose their prefix: OPFs use
 * `dc:`, `opf:` or none, with or without declaring them.
 */
export function readXml(xml: string): XmlNode {
  const root: XmlNode = { name: '#root', attrs: {}, children: [], text: '' };
  const open: XmlNode[] = [root];
  const parser = new SaxesParser({ xmlns: false });
  parser.on('error', () => {
    // Lenient: see above. saxes resumes after reporting.
  });
  parser.on('opentag', (tag) => {
    const attrs: Record<string, string> = {};
    for (const [name, value] of Object.entries(tag.attributes)) attrs[local(name)] = value;
    const node: XmlNode = { name: local(tag.name), attrs, children: [], text: '' };
    open[open.length - 1]!.children.push(node);
    if (!tag.isSelfClosing) open.push(node);
  });
  parser.on('closetag', (tag) => {
    if (!tag.isSelfClosing && open.length > 1) open.pop();
  });
  const addText = (text: string) => {
    open[open.length - 1]!.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.write(xml.replace(/^\ufeff/, '')).close();
  return root;
}

function local(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** Every element named `name` under `node`, in document order (an explicit stack, no recursion). */
export function findAll(node: XmlNode, name: string): XmlNode[] {
  const out: XmlNode[] = [];
  const stack = [...node.children].reverse();
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.name === name) out.push(n);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return out;
}

/** The text of an element and its descendants, whitespace collapsed. */
export function textOf(node: XmlNode): string {
  const parts: string[] = [];
  const stack = [node];
  for (let n = stack.pop(); n; n = stack.pop()) {
    parts.push(n.text);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}
