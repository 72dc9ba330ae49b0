/**
 * Hostile inputs for the attack suite (test/attacks/, issue 11), all built from a seed so that a
 * failing case can be rebuilt byte for byte: fuzzed PDFs and docx made from real files, JSON and
 * Documents nested far past the gateway's limits, and a few more hostile files next to those of
 * fixtures.ts. Nothing here is written to disk.
 */
import zlib from 'node:zlib';
import { documentXml, pdf, simpleDocx, textPage, zip } from './fixtures.js';

// ---------------------------------------------------------------- seeded randomness

/** A number in [0, 1]; the same seed gives the same sequence. */
export type Random = () => number;

/**
 * The classic C library LCG, as the known pdf.js repro used it (issue 11): seed 17, 23 or 30 with
 * `mutateBytes` on pdfjs__standard_fonts.pdf gives PDFs that leave an unhandled promise rejection
 * in pdf.js. The float arithmetic is part of the sequence: keep it exactly as it is.
 */
export function lcg(seed: number): Random {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const below = (r: Random, n: number) => Math.min(n - 1, Math.floor(r() * n));

// ---------------------------------------------------------------- mutations

/** How a fuzzed file was made from its source. */
export type Mutation = 'bytes' | 'truncate' | 'duplicate' | 'xml';

/**
 * 1-200 random bytes overwritten with random values. This is the issue's repro, draw for draw:
 * n = 1 + floor(r() * 200), then n times b[floor(r() * len)] = floor(r() * 256).
 */
export function mutateBytes(source: Uint8Array, seed: number): Buffer {
  const b = Buffer.from(source);
  const r = lcg(seed);
  const n = 1 + Math.floor(r() * 200);
  for (let i = 0; i < n; i++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
  return b;
}

/** The file cut short somewhere past its first byte (a partial download). */
export function truncate(source: Uint8Array, seed: number): Buffer {
  const r = lcg(seed);
  return Buffer.from(source.subarray(0, 1 + below(r, source.length - 1)));
}

/** A chunk of the file (up to 4 KiB) copied 1-8 times somewhere else: offsets and lengths lie. */
export function duplicateChunk(source: Uint8Array, seed: number): Buffer {
  const r = lcg(seed);
  const start = below(r, source.length);
  const chunk = source.subarray(start, start + 1 + below(r, 4096));
  const at = below(r, source.length + 1);
  const times = 1 + below(r, 8);
  return Buffer.concat([source.subarray(0, at), ...Array.from({ length: times }, () => chunk), source.subarray(at)]);
}

/**
 * A docx (any ZIP) whose XML parts are damaged and zipped again with correct checksums, so the
 * damage reaches the XML parser instead of stopping at the ZIP layer: 1-20 bytes of one part
 * overwritten (word/document.xml half the time), or that part cut short.
 */
export function fuzzZipXml(source: Uint8Array, seed: number): Buffer {
  const r = lcg(seed);
  const entries = readZip(Buffer.from(source));
  const xml = entries.filter((e) => /\.(xml|rels)$/.test(e.name));
  if (xml.length === 0) return mutateBytes(source, seed);
  const main = xml.find((e) => e.name === 'word/document.xml');
  const victim = main && r() < 0.5 ? main : xml[below(r, xml.length)]!;
  let data: Buffer;
  if (r() < 0.25) {
    data = victim.data.subarray(0, below(r, victim.data.length));
  } else {
    data = Buffer.from(victim.data);
    const n = 1 + below(r, 20);
    for (let i = 0; i < n && data.length > 0; i++) data[below(r, data.length)] = below(r, 256);
  }
  return zip(entries.map((e) => (e === victim ? { name: e.name, data } : e)));
}

const MUTATE: Record<Mutation, (source: Uint8Array, seed: number) => Buffer> = {
  bytes: mutateBytes,
  truncate,
  duplicate: duplicateChunk,
  xml: fuzzZipXml,
};

export interface FuzzSource {
  /** The source's file name (its extension is kept). */
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface FuzzCase {
  /** `<source name>~<mutation>-<seed>.<ext>`: says how to rebuild it. */
  readonly name: string;
  readonly source: string;
  readonly mutation: Mutation;
  readonly seed: number;
  readonly bytes: Buffer;
}

export function fuzzCase(source: FuzzSource, mutation: Mutation, seed: number): FuzzCase {
  const dot = source.name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [source.name.slice(0, dot), source.name.slice(dot)] : [source.name, ''];
  return { name: `${stem}~${mutation}-${seed}${ext}`, source: source.name, mutation, seed, bytes: MUTATE[mutation](source.bytes, seed) };
}

/**
 * `count` fuzzed files: sources taken in turn, mutations in turn (`mutations`, by weight as
 * listed: repeat one to use it more), seeds from `firstSeed` up. The same arguments give the same
 * files.
 */
export function fuzzCases(sources: readonly FuzzSource[], opts: { count: number; firstSeed: number; mutations: readonly Mutation[] }): FuzzCase[] {
  if (sources.length === 0) return [];
  return Array.from({ length: opts.count }, (_, i) =>
    fuzzCase(sources[i % sources.length]!, opts.mutations[i % opts.mutations.length]!, opts.firstSeed + i),
  );
}

// ---------------------------------------------------------------- a small ZIP reader

export interface ZipFile {
  readonly name: string;
  readonly data: Buffer;
}

/** The entries of a ZIP (stored or deflated, no zip64), by its central directory. */
export function readZip(bytes: Buffer): ZipFile[] {
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a ZIP: no end of central directory');
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const files: ZipFile[] = [];
  for (let i = 0; i < count; i++) {
    if (bytes.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = bytes.readUInt16LE(at + 10);
    const compressed = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const raw = bytes.subarray(dataStart, dataStart + compressed);
    files.push({ name, data: method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

// ---------------------------------------------------------------- deep JSON and Documents

/** `{"a":{"a":…1…}}`: objects nested `depth` deep. */
export const nestedObjects = (depth: number, leaf = '1') => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);

/** `[[[…1…]]]`: arrays nested `depth` deep. */
export const nestedArrays = (depth: number) => '['.repeat(depth) + '1' + ']'.repeat(depth);

/** A metadata object (`{"k":…}`) whose text nests `depth` levels in all. */
export const deepMetadata = (depth: number) => `{"k":${nestedObjects(depth - 1)}}`;

/** A proto3 JSON Document whose sections nest `depth` deep (each level an object in an array). */
export function deepSectionsJson(documentId: string, depth: number): string {
  const open = '{"text":"x","section":['.repeat(depth - 1);
  return `{"documentId":${JSON.stringify(documentId)},"section":[${open}{"text":"leaf"}${']}'.repeat(depth - 1)}]}`;
}

/** A protobuf text format Document whose sections nest `depth` deep. */
export function deepSectionsPbtxt(documentId: string, depth: number): Buffer {
  return Buffer.from(`document_id: ${JSON.stringify(documentId)}\n${'section { text: "x" '.repeat(depth)}${'}'.repeat(depth)}\n`);
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/**
 * A binary (.pb) Document whose sections nest `depth` deep, written front to back without
 * recursion: each Section is `text: "x"` then its one subsection (field 10).
 */
export function deepSectionsPb(documentId: string, depth: number): Buffer {
  const TEXT = [0x1a, 0x01, 0x78]; // field 3 (text), length 1, "x"
  const SECTION = 0x52; // field 10, length-delimited
  // lengths[i]: the encoded length of the section at level i (0 = outermost), innermost first.
  const lengths = new Array<number>(depth);
  let inner = 0;
  for (let i = depth - 1; i >= 0; i--) {
    lengths[i] = TEXT.length + (i === depth - 1 ? 0 : 1 + varint(inner).length + inner);
    inner = lengths[i]!;
  }
  const id = Buffer.from(documentId, 'utf8');
  const out: number[] = [0x0a, ...varint(id.length), ...id];
  for (let i = 0; i < depth; i++) {
    out.push(SECTION, ...varint(lengths[i]!), ...TEXT);
  }
  return Buffer.from(out);
}

// ---------------------------------------------------------------- more hostile files

/**
 * A docx whose word/document.xml is `body`, stored uncompressed: repetitive XML deflates far past
 * the gateway's 200:1 ratio limit and would be refused as a bomb before any XML parser saw it.
 */
function storedDocx(body: string, prolog = ''): Buffer {
  const xml = documentXml(body).replace('?>', `?>${prolog}`);
  return zip([
    ...readZip(simpleDocx()).filter((e) => e.name !== 'word/document.xml'),
    { name: 'word/document.xml', data: Buffer.from(xml), store: true },
  ]);
}

/** A docx whose body nests tables `depth` deep (a table in a cell of a table in a cell …). */
export function deepTablesDocx(depth: number): Buffer {
  const open = '<w:tbl><w:tr><w:tc>'.repeat(depth);
  const close = '</w:tc></w:tr></w:tbl>'.repeat(depth);
  return storedDocx(`${open}<w:p><w:r><w:t>innermost cell</w:t></w:r></w:p>${close}`);
}

/** A docx whose body nests unknown elements `depth` deep around one paragraph. */
export function deepElementsDocx(depth: number): Buffer {
  return storedDocx(`${'<x:e xmlns:x="urn:x">'.repeat(depth)}<w:p><w:r><w:t>deep</w:t></w:r></w:p>${'</x:e>'.repeat(depth)}`);
}

/**
 * "Billion laughs": document.xml declares entities that expand 10 × 10 … into ~10^9 copies of
 * "lol". An XML parser that expands them holds gigabytes.
 */
export function entityBombDocx(): Buffer {
  const entities = ['<!ENTITY l0 "lol">'];
  for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`);
  return storedDocx('<w:p><w:r><w:t>&l9;</w:t></w:r></w:p>', `<!DOCTYPE w:document [${entities.join('')}]>`);
}

/** A PDF whose page tree is a cycle: the Pages node lists itself among its kids, with a huge /Count. */
export function cyclicPagesPdf(): Buffer {
  const good = pdf([textPage(['A page in a cyclic page tree.'])]).toString('latin1');
  // Object 2 is the Pages node (see pdf()): make it its own kid and claim a billion pages.
  return Buffer.from(good.replace(/\/Type \/Pages \/Kids \[(\d+) 0 R\] \/Count 1/, '/Type /Pages /Kids [$1 0 R 2 0 R] /Count 1000000000'), 'latin1');
}

/** A PDF whose outline entries point at each other in a loop (/Next back to the first). */
export function cyclicOutlinePdf(): Buffer {
  const good = pdf([textPage(['A page under a cyclic outline.'])], {
    outline: [
      { title: 'One', page: 0 },
      { title: 'Two', page: 0 },
    ],
  }).toString('latin1');
  // The second entry's /Prev points at the first; give it a /Next back to the first as well, and
  // make the first entry its own child.
  return Buffer.from(
    good
      .replace(/(\/Title \(Two\)[^>]*?\/Prev (\d+) 0 R)/, '$1 /Next $2 0 R')
      .replace(/(\/Title \(One\)[^>]*?\/Next (\d+) 0 R)/, (m, _all, next: string) => `${m} /First ${Number(next) - 1} 0 R /Last ${Number(next) - 1} 0 R /Count 2`),
    'latin1',
  );
}
