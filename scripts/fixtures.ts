/**
 * Hostile and synthetic fixtures, generated (never committed): `npm run fixtures` writes them to
 * fixtures/generated/; tests import the generators directly.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

// ---------------------------------------------------------------- ZIP (stored or deflated entries)

interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
  /** Write this as the uncompressed size instead of the real one (a lying header). */
  readonly declaredSize?: number;
  readonly store?: boolean;
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A minimal ZIP writer (deflate or store, no zip64): enough for hostile docx fixtures. */
export function zip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = e.store ? e.data : zlib.deflateRawSync(e.data, { level: 9 });
    const crc = crc32(e.data);
    const size = e.declaredSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(e.store ? 0 : 8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(e.store ? 0 : 8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const centralDir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDir, end]);
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`;
const RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;

function paragraph(text: string, style?: string): string {
  const props = style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : '';
  return `<w:p>${props}<w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
}

export function documentXml(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`;
}

/** A small valid docx: headings, body text, a table. */
export function simpleDocx(extra: readonly ZipEntry[] = [], body?: string): Buffer {
  const xml =
    body ??
    paragraph('Generated title', 'Heading1') +
      paragraph('Intro paragraph under the first heading.') +
      paragraph('Details', 'Heading2') +
      paragraph('Text of the details.') +
      '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>A1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>B1</w:t></w:r></w:p></w:tc></w:tr></w:tbl>';
  return zip([
    { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
    { name: '_rels/.rels', data: Buffer.from(RELS) },
    { name: 'word/document.xml', data: Buffer.from(documentXml(xml)) },
    ...extra,
  ]);
}

const W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const DOCUMENT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>`;

/** A w:lvl of an abstractNum; `font` is the w:rFonts a bullet character is drawn in. */
function lvl(ilvl: number, numFmt: string, lvlText: string, opts: { start?: number; style?: string; font?: string } = {}): string {
  const style = opts.style ? `<w:pStyle w:val="${opts.style}"/>` : '';
  const font = opts.font ? `<w:rPr><w:rFonts w:ascii="${opts.font}" w:hAnsi="${opts.font}" w:hint="default"/></w:rPr>` : '';
  return `<w:lvl w:ilvl="${ilvl}"><w:start w:val="${opts.start ?? 1}"/><w:numFmt w:val="${numFmt}"/>${style}<w:lvlText w:val="${lvlText}"/><w:lvlJc w:val="left"/>${font}</w:lvl>`;
}

function listParagraph(text: string, numId: number, ilvl = 0): string {
  return `<w:p><w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="${ilvl}"/><w:numId w:val="${numId}"/></w:numPr></w:pPr>${text ? `<w:r><w:t xml:space="preserve">${text}</w:t></w:r>` : ''}</w:p>`;
}

/**
 * Lists as Word writes them (word/numbering.xml, w:numPr): a decimal "%1." list with a nested
 * lowerLetter "%2)" level, a lowerRoman "%1." list with an empty item, a bullet list (Symbol
 * font's U+F0B7, then "–"), a w:num restarting the first list with w:startOverride, the first
 * list continued in a table cell, and headings numbered through their style ("%1", "%1.%2").
 */
export function numberedListDocx(): Buffer {
  const numbering =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering ${W_NS}>` +
    `<w:abstractNum w:abstractNumId="0">${lvl(0, 'decimal', '%1.')}${lvl(1, 'lowerLetter', '%2)')}</w:abstractNum>` +
    `<w:abstractNum w:abstractNumId="1">${lvl(0, 'lowerRoman', '%1.')}</w:abstractNum>` +
    `<w:abstractNum w:abstractNumId="2">${lvl(0, 'bullet', '\uf0b7', { font: 'Symbol' })}${lvl(1, 'bullet', '–', { font: 'Arial' })}</w:abstractNum>` +
    `<w:abstractNum w:abstractNumId="3">${lvl(0, 'decimal', '%1', { style: 'Heading1' })}${lvl(1, 'decimal', '%1.%2', { style: 'Heading2' })}</w:abstractNum>` +
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>' +
    '<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num><w:num w:numId="5"><w:abstractNumId w:val="3"/></w:num>' +
    '<w:num w:numId="4"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>' +
    '</w:numbering>';
  const body =
    paragraph('Introduction', 'Heading1') +
    paragraph('Steps:') +
    listParagraph('First step', 1) +
    listParagraph('sub item', 1, 1) +
    listParagraph('another sub item', 1, 1) +
    listParagraph('Second step', 1) +
    paragraph('Details', 'Heading2') +
    listParagraph('roman one', 2) +
    listParagraph('', 2) +
    listParagraph('roman three', 2) +
    listParagraph('bullet item', 3) +
    listParagraph('dash item', 3, 1) +
    listParagraph('Restarted step', 4) +
    listParagraph('Continued step', 1) +
    `<w:tbl><w:tr><w:tc>${listParagraph('Step in a cell', 1)}</w:tc></w:tr></w:tbl>`;
  return simpleDocx(
    [
      { name: 'word/_rels/document.xml.rels', data: Buffer.from(DOCUMENT_RELS) },
      { name: 'word/numbering.xml', data: Buffer.from(numbering) },
    ],
    body,
  );
}

/**
 * Numbering meant to blow labels up or loop: a lowerLetter level starting at 999,999,999 (Word's
 * "aaa…" would be 38 million letters), an upperRoman one starting at 5,000, a 200-character
 * lvlText, and an abstractNum whose w:numStyleLink leads back to itself through a numbering style.
 */
export function hostileNumberingDocx(): Buffer {
  const numbering =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering ${W_NS}>` +
    `<w:abstractNum w:abstractNumId="0">${lvl(0, 'lowerLetter', '%1)', { start: 999_999_999 })}${lvl(1, 'upperRoman', '%2.', { start: 5000 })}</w:abstractNum>` +
    `<w:abstractNum w:abstractNumId="1">${lvl(0, 'decimal', `%1${'x'.repeat(199)}`)}</w:abstractNum>` +
    '<w:abstractNum w:abstractNumId="2"><w:numStyleLink w:val="LinkedList"/></w:abstractNum>' +
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>' +
    '<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num></w:numbering>';
  const styles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles ${W_NS}><w:style w:type="numbering" w:styleId="LinkedList"><w:name w:val="Linked List"/><w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style></w:styles>`;
  const body = listParagraph('big start', 1) + listParagraph('roman past 3999', 1, 1) + listParagraph('long label text', 2) + listParagraph('linked in a circle', 3);
  return simpleDocx(
    [
      { name: 'word/_rels/document.xml.rels', data: Buffer.from(DOCUMENT_RELS) },
      { name: 'word/numbering.xml', data: Buffer.from(numbering) },
      { name: 'word/styles.xml', data: Buffer.from(styles) },
    ],
    body,
  );
}

/** Declares 300 MiB of zeros in one entry (the classic zip bomb, ~300 KB on disk). */
export function zipBombDocx(): Buffer {
  return simpleDocx([{ name: 'word/media/zeros.bin', data: Buffer.alloc(300 * 1024 * 1024) }]);
}

/** One XML entry expanding ~1000:1, well under the total limit. */
export function ratioBombDocx(): Buffer {
  return simpleDocx([{ name: 'word/padding.xml', data: Buffer.alloc(20 * 1024 * 1024, 0x20) }]);
}

/** document.xml declares 1 KB but inflates to 50 MB: declared sizes lie. */
export function lyingSizeDocx(): Buffer {
  const big = documentXml(paragraph('x'.repeat(50 * 1024 * 1024)));
  return zip([
    { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
    { name: '_rels/.rels', data: Buffer.from(RELS) },
    { name: 'word/document.xml', data: Buffer.from(big), declaredSize: 1024 },
  ]);
}

/** More entries than allowed. */
export function manyEntriesDocx(): Buffer {
  return simpleDocx(Array.from({ length: 10_001 }, (_, i) => ({ name: `word/e${i}.txt`, data: Buffer.from('x'), store: true })));
}

// ---------------------------------------------------------------- PDF

/** An outline (bookmark) entry: its title and the 0-based page it jumps to. */
export interface PdfOutlineItem {
  readonly title: string;
  readonly page: number;
  readonly children?: readonly PdfOutlineItem[];
}

/**
 * A PDF from content streams, one page each, Helvetica; `deflate` compresses the streams;
 * `outline` adds bookmarks (nested, each with an explicit /XYZ destination).
 */
export function pdf(pages: readonly (string | Buffer)[], opts: { deflate?: boolean; title?: string; outline?: readonly PdfOutlineItem[] } = {}): Buffer {
  const objects: Buffer[] = [];
  const add = (body: string | Buffer) => objects.push(Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1')) && objects.length;
  const catalog = add('');
  const pagesObj = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const kids: number[] = [];
  for (const page of pages) {
    const raw = Buffer.isBuffer(page) ? page : Buffer.from(page, 'latin1');
    const data = opts.deflate ? zlib.deflateSync(raw, { level: 9 }) : raw;
    const stream = add(
      Buffer.concat([
        Buffer.from(`<< /Length ${data.length}${opts.deflate ? ' /Filter /FlateDecode' : ''} >>\nstream\n`, 'latin1'),
        data,
        Buffer.from('\nendstream', 'latin1'),
      ]),
    );
    kids.push(add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${stream} 0 R >>`));
  }
  const pdfString = (text: string) => `(${text.replace(/[()\\]/g, '\\$&')})`;
  // Each level's items are allocated before their children, so siblings can point at each other.
  const addOutline = (items: readonly PdfOutlineItem[], parent: number): number[] => {
    const ids = items.map(() => add(''));
    items.forEach((item, i) => {
      const children = item.children?.length ? addOutline(item.children, ids[i]!) : [];
      const page = kids[item.page];
      if (page === undefined) throw new Error(`outline entry '${item.title}' points at page ${item.page}, past the last page`);
      const fields = [`/Title ${pdfString(item.title)}`, `/Parent ${parent} 0 R`, `/Dest [${page} 0 R /XYZ null null null]`];
      if (i > 0) fields.push(`/Prev ${ids[i - 1]} 0 R`);
      if (i < ids.length - 1) fields.push(`/Next ${ids[i + 1]} 0 R`);
      if (children.length > 0) fields.push(`/First ${children[0]} 0 R /Last ${children.at(-1)} 0 R /Count ${children.length}`);
      objects[ids[i]! - 1] = Buffer.from(`<< ${fields.join(' ')} >>`, 'latin1');
    });
    return ids;
  };
  let outlines = '';
  if (opts.outline?.length) {
    const root = add('');
    const top = addOutline(opts.outline, root);
    objects[root - 1] = Buffer.from(`<< /Type /Outlines /First ${top[0]} 0 R /Last ${top.at(-1)} 0 R /Count ${top.length} >>`, 'latin1');
    outlines = ` /Outlines ${root} 0 R /PageMode /UseOutlines`;
  }
  objects[catalog - 1] = Buffer.from(`<< /Type /Catalog /Pages ${pagesObj} 0 R${outlines} >>`, 'latin1');
  objects[pagesObj - 1] = Buffer.from(`<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`, 'latin1');
  const info = opts.title ? add(`<< /Title (${opts.title}) >>`) : 0;
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let length = chunks[0]!.length;
  objects.forEach((body, i) => {
    offsets.push(length);
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
    chunks.push(obj);
    length += obj.length;
  });
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  const trailer = `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R${info ? ` /Info ${info} 0 R` : ''} >>\nstartxref\n${length}\n%%EOF\n`;
  chunks.push(Buffer.from(xref + trailer, 'latin1'));
  return Buffer.concat(chunks);
}

export function textPage(lines: readonly string[]): string {
  return `BT /F1 12 Tf 72 720 Td 14 TL ${lines.map((l) => `(${l.replace(/[()\\]/g, '\\$&')}) '`).join(' ')} ET`;
}

/** A plain text PDF with `count` pages. */
export function textPdf(count = 2, title = 'Generated PDF'): Buffer {
  return pdf(
    Array.from({ length: count }, (_, i) => textPage([`Page ${i + 1} of the generated PDF.`, 'The quick brown fox jumps over the lazy dog.'])),
    { title },
  );
}

/**
 * One page whose content stream inflates to `mb` MB of text shows, each moved apart so that
 * pdf.js keeps a separate text item (string, transform, metrics) per operator: memory grows far
 * past a small heap cap within seconds.
 */
export function heavyPdf(mb = 40): Buffer {
  const op = Buffer.from('(ab) Tj 0 -9 Td (cd) Tj 0 9 Td ', 'latin1');
  const stream = Buffer.alloc(mb * 1024 * 1024);
  for (let i = 0; i + op.length <= stream.length; i += op.length) op.copy(stream, i);
  const content = Buffer.concat([Buffer.from('BT /F1 12 Tf 72 720 Td ', 'latin1'), stream, Buffer.from(' ET', 'latin1')]);
  return pdf([content], { deflate: true });
}

/** Many pages of text: slow enough to pass a short time limit. */
export function slowPdf(pages = 3000): Buffer {
  const lines = Array.from({ length: 40 }, (_, i) => `Line ${i} with enough words to make the text layer take some real time to read.`);
  return pdf(Array.from({ length: pages }, () => textPage(lines)), { deflate: true });
}

// ---------------------------------------------------------------- hostile PDFs (issue 11)

/** Writes bits LSB-first, as DEFLATE packs them; Huffman codes are given MSB-first. */
class BitWriter {
  readonly #bytes: number[] = [];
  #bit = 0;
  bits(value: number, count: number): this {
    for (let i = 0; i < count; i++) this.#push((value >> i) & 1);
    return this;
  }
  code(code: string): this {
    for (const c of code) this.#push(c === '1' ? 1 : 0);
    return this;
  }
  #push(b: number): void {
    if (this.#bit === 0) this.#bytes.push(0);
    if (b) this.#bytes[this.#bytes.length - 1]! |= 1 << this.#bit;
    this.#bit = (this.#bit + 1) & 7;
  }
  /** The bytes so far; the last one is padded with zero bits. */
  get bytes(): Buffer {
    return Buffer.from(this.#bytes);
  }
}

/**
 * A zlib stream that inflates to spaces for as long as it has bytes: one dynamic-Huffman DEFLATE
 * block whose only codes are a literal ' ', "repeat 258 bytes at distance 1" (1 bit) and its
 * distance (1 bit), so after a 13-byte header every zero byte inflates to 4 × 258 = 1,032 bytes.
 * The block never ends (no end-of-block code, no checksum): `size` bytes inflate to ~1,032 × size.
 * Built by hand because zlib takes ~4.4 s to compress each GiB.
 */
export function endlessDeflate(size: number): Buffer {
  const w = new BitWriter();
  w.bits(0, 1).bits(2, 2); // not final; dynamic Huffman
  w.bits(286 - 257, 5).bits(1 - 1, 5).bits(18 - 4, 4); // HLIT, HDIST, HCLEN
  // Code-length code lengths in RFC 1951 order 16,17,18,0,8,7,9,6,10,5,11,4,12,3,13,2,14,1: 18→1, 2→2, 1→2.
  for (const len of [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2]) w.bits(len, 3);
  // Canonical code-length codes: 18 = '0', 1 = '10', 2 = '11'.
  const zeros = (n: number) => w.code('0').bits(n - 11, 7); // symbol 18: 11-138 zeros
  zeros(32); // literals 0-31
  w.code('11'); // ' ' (32): length 2
  zeros(138);
  zeros(85); // 33-255
  w.code('11'); // end of block (256): length 2
  zeros(28); // 257-284
  w.code('10'); // 285 (length 258): length 1
  w.code('10'); // distance code 0 (distance 1): length 1
  // Literal/length codes: 285 = '0', 32 = '10', 256 = '11'; distance 0 = '0'.
  w.code('10'); // one ' '
  for (let i = 0; i < 3; i++) w.code('00'); // pad to a byte boundary with repeats
  const head = Buffer.concat([Buffer.from([0x78, 0x9c]), w.bytes]);
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length))]); // each zero byte: 4 more repeats
}

/**
 * One page whose content stream is `endlessDeflate`: `size` bytes of PDF that inflate to ~1,032 ×
 * as many spaces (1 MiB → ~1 GiB). The parser holds what it inflates.
 */
export function flateBombPdf(size = 1024 * 1024): Buffer {
  const stream = endlessDeflate(size);
  const page = Buffer.concat([Buffer.from(`<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`, 'latin1'), stream, Buffer.from('\nendstream', 'latin1')]);
  return rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> /Contents 4 0 R >>',
    page,
  ]);
}

/**
 * A one-page PDF whose outline nests `depth` deep (each entry the only child of the one before),
 * written without recursion. Engines that walk outlines recursively overflow their stack.
 */
export function deepOutlinePdf(depth = 50_000): Buffer {
  const first = 5; // objects 1-4: catalog, pages, page, outline root; entries from 5 on
  const objects: (string | Buffer)[] = [
    '<< /Type /Catalog /Pages 2 0 R /Outlines 4 0 R /PageMode /UseOutlines >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${first + depth} 0 R >> >> /Contents ${first + depth + 1} 0 R >>`,
    `<< /Type /Outlines /First ${first} 0 R /Last ${first} 0 R /Count ${depth} >>`,
  ];
  for (let i = 0; i < depth; i++) {
    const id = first + i;
    const child = i < depth - 1 ? ` /First ${id + 1} 0 R /Last ${id + 1} 0 R /Count ${depth - i - 1}` : '';
    objects.push(`<< /Title (Level ${i + 1}) /Parent ${i === 0 ? 4 : id - 1} 0 R /Dest [3 0 R /XYZ null null null]${child} >>`);
  }
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const content = Buffer.from(textPage(['A page under a very deep outline.']), 'latin1');
  objects.push(Buffer.concat([Buffer.from(`<< /Length ${content.length} >>\nstream\n`, 'latin1'), content, Buffer.from('\nendstream', 'latin1')]));
  return rawPdf(objects);
}

/** Numbers the objects from 1 (the first is the catalog) and writes the xref table and trailer. */
function rawPdf(objects: readonly (string | Buffer)[]): Buffer {
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let length = chunks[0]!.length;
  objects.forEach((body, i) => {
    offsets.push(length);
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'), Buffer.from('\nendobj\n', 'latin1')]);
    chunks.push(obj);
    length += obj.length;
  });
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  chunks.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(chunks);
}

// ---------------------------------------------------------------- images for OCR

/**
 * Lines of text drawn as a white PNG through sharp's SVG renderer (librsvg: it needs a system
 * sans-serif font, e.g. DejaVu; fontconfig picks what is there). 64 px text, ~300 dpi print size.
 */
export async function textPng(lines: readonly string[] = ['Generated scan for OCR', 'The lazy dog sleeps'], width = 1400): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const height = 120 + lines.length * 110;
  const escape = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const text = lines.map((l, i) => `<text x="60" y="${140 + i * 110}" font-family="sans-serif" font-size="64" fill="black">${escape(l)}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="white"/>${text}</svg>`;
  return sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png().toBuffer();
}

/** The text PNG turned by `degrees` (clockwise), white where the turn uncovers the background. */
export async function rotatedPng(degrees = 12, lines?: readonly string[]): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  return sharp(await textPng(lines)).rotate(degrees, { background: '#ffffff' }).png().toBuffer();
}

/** A blank white page (nothing to read). */
export async function blankPng(width = 1000, height = 700): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).png().toBuffer();
}

/** Two pages of text as one JPEG-compressed TIFF (the kind tesseract's own decoder cannot read). */
export async function twoPageTiff(): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const pages = await Promise.all([['First page of the scan'], ['Second page of the scan']].map(async (l) => sharp(await textPng(l, 1200)).greyscale().raw().toBuffer({ resolveWithObject: true })));
  const { width, height } = pages[0]!.info;
  return sharp(Buffer.concat(pages.map((p) => p.data)), { raw: { width, height: height * 2, channels: 1, pageHeight: height } })
    .tiff({ compression: 'jpeg', quality: 90 })
    .toBuffer();
}

/** A PNG whose header declares `width`×`height` (100000² by default) over one tiny IDAT: never decodable. */
export function hugePngHeader(width = 100_000, height = 100_000): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(width + 1))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A BMP whose header declares `width`×`height` (24-bit) over a few bytes of pixels. */
export function hugeBmpHeader(width = 100_000, height = 100_000): Buffer {
  const header = Buffer.alloc(54 + 16);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(header.length, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  return header;
}

/** A Letter page that is only an image of the text PNG (no text layer): a scan. */
export async function scannedPdf(lines?: readonly string[]): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const { data, info } = await sharp(await textPng(lines, 2400)).resize({ width: 2400 }).greyscale().raw().toBuffer({ resolveWithObject: true });
  const image = zlib.deflateSync(data);
  const height = (612 * info.height) / info.width;
  const content = `q 612 0 0 ${height.toFixed(2)} 0 ${(792 - height - 36).toFixed(2)} cm /Im1 Do Q`;
  return rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>',
    Buffer.concat([
      Buffer.from(`<< /Type /XObject /Subtype /Image /Width ${info.width} /Height ${info.height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length ${image.length} >>\nstream\n`, 'latin1'),
      image,
      Buffer.from('\nendstream', 'latin1'),
    ]),
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ]);
}

/** Image fixtures (made by sharp, asynchronously). */
export const IMAGE_FIXTURES: Record<string, () => Promise<Buffer>> = {
  'text.png': () => textPng(),
  'rotated.png': () => rotatedPng(),
  'blank.png': () => blankPng(),
  'two-pages.tif': twoPageTiff,
  'huge-header.png': async () => hugePngHeader(),
  'scanned.pdf': () => scannedPdf(),
};

// ---------------------------------------------------------------- CLI

export const FIXTURES: Record<string, () => Buffer> = {
  'simple.docx': () => simpleDocx(),
  'lists.docx': numberedListDocx,
  'zip-bomb.docx': zipBombDocx,
  'ratio-bomb.docx': ratioBombDocx,
  'lying-size.docx': lyingSizeDocx,
  'many-entries.docx': manyEntriesDocx,
  'simple.pdf': () => textPdf(),
  'heavy.pdf': () => heavyPdf(),
  'slow.pdf': () => slowPdf(),
  'flate-bomb.pdf': () => flateBombPdf(),
  'deep-outline.pdf': () => deepOutlinePdf(),
};

if (process.argv[1]?.endsWith('fixtures.js')) {
  const dir = path.resolve('fixtures', 'generated');
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, make] of Object.entries(FIXTURES)) {
    const bytes = make();
    fs.writeFileSync(path.join(dir, name), bytes);
    console.log(`${path.join('fixtures', 'generated', name)}  ${bytes.length} bytes`);
  }
  for (const [name, make] of Object.entries(IMAGE_FIXTURES)) {
    const bytes = await make();
    fs.writeFileSync(path.join(dir, name), bytes);
    console.log(`${path.join('fixtures', 'generated', name)}  ${bytes.length} bytes`);
  }
}
