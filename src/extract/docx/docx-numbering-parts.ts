import { walkXml, type XmlElement } from '../xml-walk.js';

/**
 * What mammoth finds for each numbered docx paragraph, with what it leaves out (docx-numbering.ts
 * says why). This reads word/numbering.xml, the numbering styles of word/styles.xml and the body
 * paragraphs of word/document.xml, and mirrors what mammoth 1.x does with them: which body
 * elements' children it reads (lib/docx/body-reader.js xmlElementReaders; a paragraph whose mark
 * is deleted joins the next, a deleted table row is dropped), how a paragraph finds its level
 * (readNumberingProperties; numbering-xml.js findLevel through w:numStyleLink and
 * findLevelByParagraphStyleId), with the same first-wins / last-wins rules and object-key order;
 * xml-walk.ts names elements and collapses mc:AlternateContent as office-xml-reader.js does.
 * Malformed XML gives null, never an exception.
 */

/** An element of a part, with those of its children the reader kept. */
export interface PartNode {
  readonly element: XmlElement;
  readonly children: PartNode[];
}
/** A w:lvl: what mammoth's level object stands for, one per (abstractNum, ilvl). */
export interface Level {
  readonly abstractNumId: string;
  readonly ilvl: string;
  readonly node: PartNode;
}
interface AbstractNum {
  readonly levels: Record<string, Level>;
  readonly numStyleLink: string | undefined;
}
interface Num {
  readonly abstractNumId: string | undefined;
  readonly startOverrides: ReadonlyMap<string, number>;
}
export interface Definitions {
  readonly abstractNums: Record<string, AbstractNum>;
  readonly nums: Record<string, Num>;
  /** Numbering styles (styles.xml, w:type="numbering") → their w:numId, first definition wins. */
  readonly styleNumIds: Record<string, string | undefined>;
  readonly levelsByStyle: Record<string, Level>;
}
/** A body paragraph's w:pStyle and w:numPr (null: no w:pStyle; undefined: one without w:val). */
export interface ParagraphRef {
  readonly styleId: string | null | undefined;
  readonly ilvl: string | undefined;
  readonly numId: string | undefined;
}

/** mammoth's readNumberingProperties: the paragraph's own w:numPr, else its style's level, else level 0 of its numId. */
export function resolve(defs: Definitions, p: ParagraphRef): { level: Level; numId: string | undefined } | null {
  if (p.ilvl !== undefined && p.numId !== undefined) return found(findLevel(defs, p.numId, p.ilvl), p.numId);
  if (p.styleId != null) {
    const byStyle = defs.levelsByStyle[p.styleId];
    if (byStyle) return { level: byStyle, numId: undefined };
  }
  return p.numId !== undefined ? found(findLevel(defs, p.numId, '0'), p.numId) : null;
}

function found(level: Level | null, numId: string): { level: Level; numId: string } | null {
  return level ? { level, numId } : null;
}

/** mammoth's Numbering.findLevel: through w:num to its abstractNum, following w:numStyleLink to a numbering style's numId. */
function findLevel(defs: Definitions, numId: string, ilvl: string): Level | null {
  const seen = new Set<string>();
  for (let id: string | undefined = numId; id !== undefined && !seen.has(id); ) {
    seen.add(id);
    const num: Num | undefined = defs.nums[id];
    const abstractNum: AbstractNum | undefined = num && defs.abstractNums[String(num.abstractNumId)];
    if (!abstractNum) return null;
    if (abstractNum.numStyleLink === undefined) return abstractNum.levels[ilvl] ?? null;
    id = defs.styleNumIds[abstractNum.numStyleLink];
  }
  return null;
}

const NUMBERING_ELEMENTS = new Set(['w:abstractNum', 'w:num', 'w:lvl', 'w:numFmt', 'w:lvlText', 'w:start', 'w:pStyle', 'w:isLgl', 'w:lvlRestart', 'w:rPr', 'w:rFonts', 'w:numStyleLink', 'w:abstractNumId', 'w:lvlOverride', 'w:startOverride']);
const STYLE_ELEMENTS = new Set(['w:style', 'w:pPr', 'w:numPr', 'w:numId']);
const PARAGRAPH_PROPERTIES = new Set(['w:pStyle', 'w:numPr', 'w:ilvl', 'w:numId', 'w:rPr', 'w:del']);
/** Elements whose children mammoth's body reader reads (xmlElementReaders); w:sdt reads its w:sdtContent. */
const READ_CHILDREN = new Set(['w:p', 'w:r', 'w:hyperlink', 'w:tbl', 'w:tr', 'w:tc', 'w:customXml', 'w:ins', 'w:moveTo', 'w:object', 'w:smartTag', 'w:drawing', 'w:pict', 'v:roundrect', 'v:shape', 'v:textbox', 'w:txbxContent', 'v:group', 'v:rect', 'w:sdt']);

/** numbering.xml (and styles.xml's numbering styles) as mammoth reads them (numbering-xml.js, styles-reader.js). */
export function readDefinitions(numberingXml: string, stylesXml: string | undefined): Definitions | null {
  const root = readTree(numberingXml, NUMBERING_ELEMENTS);
  if (!root) return null;
  const abstractNums: Record<string, AbstractNum> = Object.create(null);
  for (const node of children(root, 'w:abstractNum')) {
    const abstractNumId = String(node.element.attr('w:abstractNumId'));
    const levels: Record<string, Level> = Object.create(null);
    let withoutIndex: Level | null = null; // a w:lvl without w:ilvl stands for level 0 when there is none
    for (const lvl of children(node, 'w:lvl')) {
      const ilvl = lvl.element.attr('w:ilvl');
      if (ilvl === undefined) withoutIndex = { abstractNumId, ilvl: '0', node: lvl };
      else levels[ilvl] = { abstractNumId, ilvl, node: lvl };
    }
    if (withoutIndex && levels['0'] === undefined) levels['0'] = withoutIndex;
    abstractNums[abstractNumId] = { levels, numStyleLink: val(node, 'w:numStyleLink') };
  }
  const nums: Record<string, Num> = Object.create(null);
  for (const node of children(root, 'w:num')) {
    const startOverrides = new Map<string, number>();
    for (const override of children(node, 'w:lvlOverride')) {
      const start = integer(val(override, 'w:startOverride'));
      const ilvl = override.element.attr('w:ilvl');
      if (start !== undefined && ilvl !== undefined && !startOverrides.has(ilvl)) startOverrides.set(ilvl, start);
    }
    nums[String(node.element.attr('w:numId'))] = { abstractNumId: val(node, 'w:abstractNumId'), startOverrides };
  }
  const styleNumIds: Record<string, string | undefined> = Object.create(null);
  const styles = stylesXml ? readTree(stylesXml, STYLE_ELEMENTS) : null;
  for (const style of styles ? children(styles, 'w:style') : []) {
    const id = String(style.element.attr('w:styleId'));
    if (style.element.attr('w:type') === 'numbering' && !(id in styleNumIds)) styleNumIds[id] = val(first(style, 'w:pPr', 'w:numPr'), 'w:numId');
  }
  // mammoth's levelsByParagraphStyleId: _.indexBy over every level in object-key order, last wins.
  const levelsByStyle: Record<string, Level> = Object.create(null);
  for (const abstractNum of Object.values(abstractNums)) {
    for (const level of Object.values(abstractNum.levels)) {
      const styleId = val(level.node, 'w:pStyle');
      if (styleId != null) levelsByStyle[styleId] = level;
    }
  }
  return { abstractNums, nums, styleNumIds, levelsByStyle };
}

/** What an open element of document.xml is to readParagraphRefs. */
type Open =
  | { readonly kind: 'paragraph'; readonly paragraph: { pPr: PartNode | null } }
  | { readonly kind: 'properties'; readonly node: PartNode } // a w:pPr's subtree, kept
  | { readonly kind: 'row'; propertiesRead: boolean; deleted: boolean }
  | { readonly kind: 'rowProperties'; readonly row: { deleted: boolean } }
  | { readonly kind: 'sdt'; contentRead: boolean }
  | { readonly kind: 'other' };
const OTHER: Open = { kind: 'other' };

/** document.xml's body paragraphs that mammoth reads, in document order, with the properties its numbering lookup uses. */
export function readParagraphRefs(xml: string): ParagraphRef[] | null {
  const paragraphs: { pPr: PartNode | null }[] = [];
  const open: Open[] = []; // by depth: what each element around the one visited is
  let body = false;
  const ok = walkXml(xml, (element, parents) => {
    const depth = parents.length;
    const name = element.name;
    const around = open[depth - 1] ?? OTHER;
    let state = OTHER;
    if (depth === 1) {
      if (name !== 'w:body' || body) return false; // mammoth reads the first w:body of whatever the root is
      body = true;
    } else if (depth === 0) {
      // the root
    } else if (around.kind === 'properties') {
      if (!PARAGRAPH_PROPERTIES.has(name)) return false;
      const node = { element, children: [] };
      around.node.children.push(node);
      state = { kind: 'properties', node };
    } else if (around.kind === 'paragraph' && name === 'w:pPr') {
      if (around.paragraph.pPr) return false; // mammoth reads the first
      state = { kind: 'properties', node: (around.paragraph.pPr = { element, children: [] }) };
    } else if (around.kind === 'rowProperties') {
      if (name === 'w:del') around.row.deleted = true; // a deleted row: mammoth reads none of it
      return false;
    } else if (around.kind === 'row' && name === 'w:trPr' && !around.propertiesRead) {
      around.propertiesRead = true;
      state = { kind: 'rowProperties', row: around };
    } else if (around.kind === 'row' && around.deleted) {
      return false;
    } else if (around.kind === 'sdt') {
      if (name !== 'w:sdtContent' || around.contentRead) return false;
      around.contentRead = true;
    } else if (!READ_CHILDREN.has(name)) {
      return false;
    } else if (name === 'w:p') {
      const paragraph = { pPr: null };
      paragraphs.push(paragraph);
      state = { kind: 'paragraph', paragraph };
    } else if (name === 'w:tr') {
      state = { kind: 'row', propertiesRead: false, deleted: false };
    } else if (name === 'w:sdt') {
      state = { kind: 'sdt', contentRead: false };
    }
    open[depth] = state;
    return true;
  });
  if (!ok) return null;
  const refs: ParagraphRef[] = [];
  for (const { pPr } of paragraphs) {
    if (!pPr) continue; // no style, no w:numPr: not numbered
    if (first(pPr, 'w:rPr', 'w:del')) continue; // a deleted paragraph mark: mammoth joins it to the next paragraph
    const style = first(pPr, 'w:pStyle');
    const numPr = first(pPr, 'w:numPr');
    refs.push({ styleId: style ? style.element.attr('w:val') : null, ilvl: val(numPr, 'w:ilvl'), numId: val(numPr, 'w:numId') });
  }
  return refs;
}

/** The root element and, below it, the elements named in `keep` whose parents were kept. */
function readTree(xml: string, keep: ReadonlySet<string>): PartNode | null {
  const open: PartNode[] = []; // by depth
  const ok = walkXml(xml, (element, parents) => {
    const depth = parents.length;
    if (depth > 0 && !keep.has(element.name)) return false;
    const node = { element, children: [] };
    if (depth > 0) open[depth - 1]!.children.push(node);
    open[depth] = node;
    return true;
  });
  return ok ? (open[0] ?? null) : null;
}

function children(node: PartNode, name: string): PartNode[] {
  return node.children.filter((c) => c.element.name === name);
}

/** mammoth's firstOrEmpty chain: the first child of each name in turn. */
export function first(node: PartNode | undefined, ...path: string[]): PartNode | undefined {
  for (const name of path) node = node?.children.find((c) => c.element.name === name);
  return node;
}

export function val(node: PartNode | undefined, child: string): string | undefined {
  return first(node, child)?.element.attr('w:val');
}

export function integer(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*-?\d{1,9}\s*$/.test(text)) return undefined;
  return Math.max(0, Number(text));
}
