/**
 * OpenDocument text fixtures made by code: an odt with headings, a list, a table, footnotes, an
 * endnote and a comment; a spreadsheet (same package layout, another mimetype); hostile content.xml
 * (billion laughs, external entity, deep nesting); a ~1 MB odt for the bench.
 */
import { zip } from './fixtures.js';

const NS =
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" ' +
  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" ' +
  'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"';
const DECL = '<?xml version="1.0" encoding="UTF-8"?>';
export const ODT_MIME = 'application/vnd.oasis.opendocument.text';

export function contentXml(body: string, prolog = ''): string {
  return `${DECL}${prolog}<office:document-content ${NS} office:version="1.2"><office:body><office:text>${body}</office:text></office:body></office:document-content>`;
}

export interface OdtMetaFields {
  readonly title?: string;
  readonly initialCreator?: string;
  readonly creator?: string;
  readonly created?: string;
  readonly modified?: string;
}

function metaXml(m: OdtMetaFields): string {
  const field = (tag: string, v?: string) => (v === undefined ? '' : `<${tag}>${v}</${tag}>`);
  const inner = field('dc:title', m.title) + field('meta:initial-creator', m.initialCreator) + field('dc:creator', m.creator) + field('meta:creation-date', m.created) + field('dc:date', m.modified);
  return `${DECL}<office:document-meta ${NS} office:version="1.2"><office:meta>${inner}</office:meta></office:document-meta>`;
}

/** An ODF package: `mimetype` first and stored (as ODF requires), content.xml, meta.xml, a manifest. */
export function odt(content: string, opts: { mimetype?: string; meta?: OdtMetaFields } = {}): Buffer {
  const mimetype = opts.mimetype ?? ODT_MIME;
  const manifest = `${DECL}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="${mimetype}"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`;
  return zip([
    { name: 'mimetype', data: Buffer.from(mimetype), store: true },
    { name: 'content.xml', data: Buffer.from(content) },
    ...(opts.meta ? [{ name: 'meta.xml', data: Buffer.from(metaXml(opts.meta)) }] : []),
    { name: 'META-INF/manifest.xml', data: Buffer.from(manifest) },
  ]);
}

/**
 * Headings on three levels, text before the first heading, collapsed and explicit spaces (text:s,
 * text:tab, text:line-break), a list, a table with a header row and a repeated empty cell, two
 * footnotes, an endnote, a comment, and a tracked deletion (removed text, never indexed).
 */
export const SAMPLE_ODT_BODY =
  '<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><text:p>Deleted words never shown</text:p></text:deletion></text:changed-region></text:tracked-changes>' +
  '<text:p>Preface before any heading.</text:p>' +
  '<text:h text:outline-level="1">Annual Report</text:h>' +
  '<text:p>Spaces:<text:s text:c="3"/>three,   collapsed\n  runs,<text:tab/>tab<text:line-break/>next line.</text:p>' +
  '<text:h text:outline-level="2">Sales</text:h>' +
  '<text:p>Sales rose<text:note text:id="n1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Audited figures.</text:p></text:note-body></text:note> sharply.</text:p>' +
  '<text:list><text:list-item><text:p>First item</text:p></text:list-item><text:list-item><text:p>Second item</text:p><text:list><text:list-item><text:p>Nested item</text:p></text:list-item></text:list></text:list-item></text:list>' +
  '<table:table table:name="T1"><table:table-column table:number-columns-repeated="3"/><table:table-header-rows><table:table-row><table:table-cell><text:p>Region</text:p></table:table-cell><table:table-cell><text:p>Units</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1"/></table:table-row></table:table-header-rows>' +
  '<table:table-row><table:table-cell><text:p>North</text:p></table:table-cell><table:table-cell><text:p>12</text:p></table:table-cell><table:covered-table-cell/></table:table-row></table:table>' +
  '<text:h text:outline-level="3">Detail</text:h>' +
  '<text:p>Detail text<text:note text:id="n2" text:note-class="footnote"><text:note-citation>2</text:note-citation><text:note-body><text:p>Second footnote.</text:p></text:note-body></text:note>.<office:annotation><dc:creator>Reviewer</dc:creator><text:p>Check this number.</text:p></office:annotation></text:p>' +
  '<text:h text:outline-level="1">Outlook</text:h>' +
  '<text:p>Next year<text:note text:id="n3" text:note-class="endnote"><text:note-citation>i</text:note-citation><text:note-body><text:p>An endnote.</text:p></text:note-body></text:note> looks good.</text:p>';

export function sampleOdt(meta?: OdtMetaFields): Buffer {
  return odt(contentXml(SAMPLE_ODT_BODY), meta ? { meta } : {});
}

/** A spreadsheet: the ODF package layout of an odt, another mimetype. */
export function sampleOds(): Buffer {
  const sheet = '<office:spreadsheet><table:table table:name="Sheet1"><table:table-row><table:table-cell><text:p>A1</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>';
  const content = `${DECL}<office:document-content ${NS} office:version="1.2"><office:body>${sheet}</office:body></office:document-content>`;
  return odt(content, { mimetype: 'application/vnd.oasis.opendocument.spreadsheet' });
}

const LAUGHS =
  '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">' +
  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">' +
  '<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">' +
  '<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>';

/** content.xml with a billion-laughs DTD, or one with an external entity naming /etc/passwd. */
export function hostileOdt(kind: 'laughs' | 'external'): Buffer {
  const prolog = kind === 'laughs' ? LAUGHS : '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>';
  return odt(contentXml(`<text:p>${kind === 'laughs' ? '&lol9;' : '&xxe;'}</text:p>`, prolog));
}

/**
 * content.xml nested `depth` levels (sections in sections): past the 1,000-level cap, under 64 KiB
 * so the ZIP guard's ratio check does not take it for a bomb first.
 */
export function deepOdt(depth = 2_000): Buffer {
  return odt(contentXml(`${'<text:section>'.repeat(depth)}<text:p>deep</text:p>${'</text:section>'.repeat(depth)}`));
}

const WORDS = 'the committee reviewed budget plans staffing schedules research results partner feedback and open questions for the coming quarter'.split(' ');

function sentence(i: number, words = 16): string {
  const out: string[] = [];
  for (let k = 0; k < words; k++) out.push(WORDS[(i * 5 + k * 3) % WORDS.length]!);
  const s = out.join(' ');
  return `${s[0]!.toUpperCase()}${s.slice(1)} (${i}).`;
}

/** An odt of about `bytes` of content.xml: chapters and subsections of paragraphs, a table and a footnote every chapter. */
export function largeOdt(bytes = 1024 * 1024): Buffer {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    let chapter = `<text:h text:outline-level="1">Chapter ${i + 1}</text:h>`;
    for (let k = 0; k < 3; k++) {
      chapter += `<text:h text:outline-level="2">Part ${i + 1}.${k + 1}</text:h>`;
      for (let p = 0; p < 4; p++) chapter += `<text:p>${sentence(i * 12 + k * 4 + p)} ${sentence(i * 12 + k * 4 + p + 7)}</text:p>`;
    }
    chapter += `<table:table><table:table-row><table:table-cell><text:p>Item</text:p></table:table-cell><table:table-cell><text:p>${i}</text:p></table:table-cell></table:table-row></table:table>`;
    chapter += `<text:p>Noted<text:note text:note-class="footnote"><text:note-body><text:p>Footnote of chapter ${i + 1}.</text:p></text:note-body></text:note>.</text:p>`;
    parts.push(chapter);
    size += chapter.length;
  }
  return odt(contentXml(parts.join('')), { meta: { title: 'Large generated report', initialCreator: 'Bench' } });
}
