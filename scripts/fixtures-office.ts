/**
 * Office fixtures made by code (never committed binaries): PowerPoint (.pptx) and OpenDocument text
 * (.odt) packages, their hostile variants (billion laughs, external entity, deep nesting) and ~1 MB
 * files for the bench. The OLE2 (.doc/.ppt/.xls) ones are in fixtures-ole2.ts, re-exported here.
 */
import { zip } from './fixtures.js';

export * from './fixtures-odt.js';
export * from './fixtures-ole2.js';

const PML = 'http://schemas.openxmlformats.org/presentationml/2006/main';
const DML = 'http://schemas.openxmlformats.org/drawingml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

export const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface FixtureSlide {
  /** Text of the title placeholder (type="title"; `centeredTitle` makes it "ctrTitle"). */
  readonly title?: string;
  readonly centeredTitle?: boolean;
  /** Paragraphs of a body placeholder. */
  readonly body?: readonly string[];
  readonly table?: readonly (readonly string[])[];
  /** Speaker notes paragraphs (a notes page with a slide image, a body and a slide number). */
  readonly notes?: readonly string[];
  readonly hidden?: boolean;
  /** The slide number placeholder's text (boilerplate the extractor skips). */
  readonly slideNumber?: string;
  /** Replaces the generated slide XML (hostile fixtures). */
  readonly rawXml?: string;
}

const paras = (lines: readonly string[]) => lines.map((l) => `<a:p><a:r><a:rPr lang="en-US"/><a:t>${escapeXml(l)}</a:t></a:r></a:p>`).join('');

function shape(id: number, ph: string | null, lines: readonly string[]): string {
  const nvPr = ph === null ? '<p:nvPr/>' : `<p:nvPr><p:ph${ph === 'body' ? '' : ` type="${ph}"`} idx="${id}"/></p:nvPr>`;
  return `<p:sp><p:nvSpPr><p:cNvPr id="${id}" name="Shape ${id}"/><p:cNvSpPr/>${nvPr}</p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>${paras(lines)}</p:txBody></p:sp>`;
}

function tableFrame(rows: readonly (readonly string[])[]): string {
  const tr = rows.map((r) => `<a:tr h="370840">${r.map((c) => `<a:tc><a:txBody><a:bodyPr/><a:lstStyle/>${paras([c])}</a:txBody><a:tcPr/></a:tc>`).join('')}</a:tr>`).join('');
  return `<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="9" name="Table"/><p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr><p:xfrm/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/table"><a:tbl><a:tblGrid/>${tr}</a:tbl></a:graphicData></a:graphic></p:graphicFrame>`;
}

function spTree(inner: string): string {
  return `<p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>${inner}</p:spTree></p:cSld>`;
}

function slideXml(s: FixtureSlide): string {
  let inner = '';
  if (s.title !== undefined) inner += shape(2, s.centeredTitle ? 'ctrTitle' : 'title', [s.title]);
  // The body in a group shape: the extractor flattens groups.
  if (s.body) inner += `<p:grpSp><p:nvGrpSpPr><p:cNvPr id="20" name="Group"/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>${shape(3, 'body', s.body)}</p:grpSp>`;
  if (s.table) inner += tableFrame(s.table);
  if (s.slideNumber) inner += shape(4, 'sldNum', [s.slideNumber]);
  return `${XML_DECL}<p:sld xmlns:a="${DML}" xmlns:r="${REL}" xmlns:p="${PML}"${s.hidden ? ' show="0"' : ''}>${spTree(inner)}</p:sld>`;
}

function notesXml(lines: readonly string[], n: number): string {
  const image = `<p:sp><p:nvSpPr><p:cNvPr id="2" name="Slide Image"/><p:cNvSpPr/><p:nvPr><p:ph type="sldImg"/></p:nvPr></p:nvSpPr><p:spPr/></p:sp>`;
  return `${XML_DECL}<p:notes xmlns:a="${DML}" xmlns:r="${REL}" xmlns:p="${PML}">${spTree(image + shape(3, 'body', lines) + shape(4, 'sldNum', [String(n)]))}</p:notes>`;
}

const rels = (items: readonly [string, string, string][]) =>
  `${XML_DECL}<Relationships xmlns="${PKG}">${items.map(([id, type, target]) => `<Relationship Id="${id}" Type="${REL}/${type}" Target="${target}"/>`).join('')}</Relationships>`;

export interface PptxOptions {
  /** docProps/core.xml's dc:title (none: no core.xml). */
  readonly coreTitle?: string;
  /** Presentation order as indexes into `slides` (default: as given); file names follow `slides`. */
  readonly order?: readonly number[];
}

/** A pptx: ppt/slides/slideN.xml for slides[N-1], listed in presentation.xml in `order`. */
export function pptx(slides: readonly FixtureSlide[], opts: PptxOptions = {}): Buffer {
  const order = opts.order ?? slides.map((_, i) => i);
  const ids = order.map((i, k) => `<p:sldId id="${256 + k}" r:id="rId${i + 10}"/>`).join('');
  const presentation = `${XML_DECL}<p:presentation xmlns:a="${DML}" xmlns:r="${REL}" xmlns:p="${PML}"><p:sldIdLst>${ids}</p:sldIdLst><p:sldSz cx="9144000" cy="6858000"/></p:presentation>`;
  const entries = [
    { name: '[Content_Types].xml', data: Buffer.from(`${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`) },
    { name: '_rels/.rels', data: Buffer.from(rels([['rId1', 'officeDocument', 'ppt/presentation.xml']])) },
    { name: 'ppt/presentation.xml', data: Buffer.from(presentation) },
    { name: 'ppt/_rels/presentation.xml.rels', data: Buffer.from(rels(slides.map((_, i) => [`rId${i + 10}`, 'slide', `slides/slide${i + 1}.xml`]))) },
  ];
  if (opts.coreTitle !== undefined) {
    const core = `${XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>${escapeXml(opts.coreTitle)}</dc:title><dc:creator>Fixture Author</dc:creator></cp:coreProperties>`;
    entries.push({ name: 'docProps/core.xml', data: Buffer.from(core) });
  }
  slides.forEach((s, i) => {
    entries.push({ name: `ppt/slides/slide${i + 1}.xml`, data: Buffer.from(s.rawXml ?? slideXml(s)) });
    const slideRels: [string, string, string][] = [['rId1', 'slideLayout', '../slideLayouts/slideLayout1.xml']];
    if (s.notes) {
      slideRels.push(['rId2', 'notesSlide', `../notesSlides/notesSlide${i + 1}.xml`]);
      entries.push({ name: `ppt/notesSlides/notesSlide${i + 1}.xml`, data: Buffer.from(notesXml(s.notes, i + 1)) });
    }
    entries.push({ name: `ppt/slides/_rels/slide${i + 1}.xml.rels`, data: Buffer.from(rels(slideRels)) });
  });
  return zip(entries);
}

/**
 * Three slides whose files are numbered against presentation order (slide3.xml is shown first):
 * a centered title with notes, a hidden slide with a table, a slide without a title placeholder.
 * Each has a slide-number placeholder ("#7") that must not be indexed.
 */
export function samplePptx(coreTitle?: string): Buffer {
  const slides: FixtureSlide[] = [
    { title: 'Quarterly Results', body: ['Revenue grew in every region.', 'Costs stayed flat.'], notes: ['Mention the new Lisbon office.'], slideNumber: '#7' },
    { title: 'Appendix Table', table: [['Region', 'Revenue'], ['North', '120'], ['South', '95']], hidden: true, slideNumber: '#7' },
    { title: 'Opening Slide', centeredTitle: true, body: ['Presented by the finance team'], notes: ['Welcome everyone.', 'Keep it short.'], slideNumber: '#7' },
    { body: ['A closing slide without any title placeholder.'], slideNumber: '#7' },
  ];
  return pptx(slides, { order: [2, 0, 1, 3], ...(coreTitle !== undefined ? { coreTitle } : {}) });
}

const LAUGHS = `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>`;
const EXTERNAL = `<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`;

/** The DTD of a hostile part: a billion-laughs entity chain or an external (file:) entity, and the reference to it. */
export function hostileDoctype(kind: 'laughs' | 'external'): { doctype: string; reference: string } {
  return kind === 'laughs' ? { doctype: LAUGHS, reference: '&lol9;' } : { doctype: EXTERNAL, reference: '&xxe;' };
}

/** A pptx whose slide declares a hostile DTD and uses its entity in the slide's text. */
export function hostilePptx(kind: 'laughs' | 'external'): Buffer {
  const { doctype, reference } = hostileDoctype(kind);
  const xml = slideXml({ title: 'Hostile', body: ['PLACEHOLDER'] }).replace('?>', `?>${doctype}`).replace('PLACEHOLDER', reference);
  return pptx([{ rawXml: xml }]);
}

/**
 * A slide whose elements nest `depth` levels (group shapes in group shapes): past the 1,000-level
 * cap, under 64 KiB so the ZIP guard's ratio check does not take it for a bomb first.
 */
export function deepPptx(depth = 2_000): Buffer {
  const open = '<p:grpSp>'.repeat(depth);
  const close = '</p:grpSp>'.repeat(depth);
  return pptx([{ rawXml: `${XML_DECL}<p:sld xmlns:a="${DML}" xmlns:r="${REL}" xmlns:p="${PML}">${spTree(open + close)}</p:sld>` }]);
}

const WORDS = 'the quarterly review covers revenue costs margins hiring regional growth product launches customer feedback and risks for next year'.split(' ');

/** Realistic filler: sentences of common words, deterministic. */
export function fillerSentence(i: number, words = 14): string {
  const out: string[] = [];
  for (let k = 0; k < words; k++) out.push(WORDS[(i * 7 + k * 3) % WORDS.length]!);
  const s = out.join(' ');
  return `${s[0]!.toUpperCase()}${s.slice(1)} (${i}).`;
}

/** A pptx of about `bytes` uncompressed XML: slides with titles, bullets, notes and a table every tenth slide. */
export function largePptx(bytes = 1024 * 1024): Buffer {
  const slides: FixtureSlide[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const slide: FixtureSlide = {
      title: `Slide ${i + 1}: ${fillerSentence(i, 4)}`,
      body: Array.from({ length: 6 }, (_, k) => fillerSentence(i * 6 + k)),
      notes: [fillerSentence(i + 1000, 30)],
      ...(i % 10 === 9 ? { table: [['Metric', 'Value'], ['Revenue', String(i * 11)], ['Costs', String(i * 7)]] } : {}),
    };
    slides.push(slide);
    size += slideXml(slide).length + notesXml(slide.notes!, i).length;
  }
  return pptx(slides, { coreTitle: 'Large generated presentation' });
}
