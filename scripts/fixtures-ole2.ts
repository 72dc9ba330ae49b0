/**
 * OLE2 (compound file, [MS-CFB]) fixtures made by code: a minimal writer, a Word 97 document
 * word-extractor reads (FIB + piece table, body, footnote, comment, SummaryInformation), an
 * RC4-flagged (fEncrypted) one, a Word 95 one, a binary PowerPoint and Excel container, and broken
 * containers (a looping FAT chain, a header claiming 2^31 FAT sectors, garbage, truncation).
 */

const SECTOR = 512;
const END = -2;
const FREE = -1;
const FATSECT = -3;

export interface Ole2Stream {
  readonly name: string;
  readonly data: Buffer;
}

export interface Ole2Options {
  /** The named stream's last sector points back to its first: a FAT chain that never ends. */
  readonly loopStream?: string;
  /** Written as the header's FAT sector count instead of the real one. */
  readonly fatSectorsClaim?: number;
}

/**
 * A version-3 compound file (512-byte sectors). Every stream is padded to at least 4,096 bytes
 * (the mini-stream cutoff) so all live in regular sectors: no mini FAT is needed.
 */
export function ole2(streams: readonly Ole2Stream[], opts: Ole2Options = {}): Buffer {
  const padded = streams.map((s) => {
    const size = Math.max(4096, Math.ceil(s.data.length / SECTOR) * SECTOR);
    return { name: s.name, data: Buffer.concat([s.data, Buffer.alloc(size - s.data.length)]) };
  });
  const dirSectors = Math.ceil((padded.length + 1) / 4);
  const dataSectors = dirSectors + padded.reduce((n, s) => n + s.data.length / SECTOR, 0);
  let fatSectors = 1;
  while (fatSectors * 128 < fatSectors + dataSectors) fatSectors++;
  if (fatSectors > 109) throw new Error('fixture too large for a DIFAT-less OLE2 file');

  const fat = new Int32Array(fatSectors * 128).fill(FREE);
  for (let i = 0; i < fatSectors; i++) fat[i] = FATSECT;
  let next = fatSectors;
  const allocate = (count: number, loop = false): number => {
    const start = next;
    for (let i = 0; i < count; i++) fat[start + i] = i === count - 1 ? (loop ? start : END) : start + i + 1;
    next += count;
    return start;
  };
  const dirStart = allocate(dirSectors);
  const starts = padded.map((s) => allocate(s.data.length / SECTOR, s.name === opts.loopStream));

  const dir = directory(padded, starts, dirSectors);
  const header = Buffer.alloc(SECTOR);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 24);
  header.writeUInt16LE(3, 26);
  header.writeUInt16LE(0xfffe, 28);
  header.writeUInt16LE(9, 30);
  header.writeUInt16LE(6, 32);
  header.writeUInt32LE(opts.fatSectorsClaim ?? fatSectors, 44);
  header.writeInt32LE(dirStart, 48);
  header.writeUInt32LE(4096, 56);
  header.writeInt32LE(END, 60); // no mini FAT
  header.writeInt32LE(END, 68); // no DIFAT sectors
  for (let i = 0; i < 109; i++) header.writeInt32LE(i < fatSectors ? i : FREE, 76 + i * 4);
  const fatBytes = Buffer.from(fat.buffer);
  return Buffer.concat([header, fatBytes, dir, ...padded.map((s) => s.data)]);
}

/** Directory sectors: the root entry, then one entry per stream chained as right siblings. */
function directory(streams: readonly Ole2Stream[], starts: readonly number[], dirSectors: number): Buffer {
  const dir = Buffer.alloc(dirSectors * SECTOR);
  const entry = (i: number, name: string, type: number, start: number, size: number, child: number, right: number) => {
    const off = i * 128;
    const utf16 = Buffer.from(`${name}\0`, 'utf16le');
    utf16.copy(dir, off);
    dir.writeUInt16LE(utf16.length, off + 64);
    dir[off + 66] = type;
    dir[off + 67] = 1; // black
    dir.writeInt32LE(-1, off + 68); // left
    dir.writeInt32LE(right, off + 72);
    dir.writeInt32LE(child, off + 76);
    dir.writeInt32LE(start, off + 116);
    dir.writeUInt32LE(size, off + 120);
  };
  entry(0, 'Root Entry', 5, END, 0, streams.length > 0 ? 1 : -1, -1);
  streams.forEach((s, i) => entry(i + 1, s.name, 2, starts[i]!, s.data.length, -1, i + 2 <= streams.length ? i + 2 : -1));
  for (let i = streams.length + 1; i < dirSectors * 4; i++) {
    dir.writeInt32LE(-1, i * 128 + 68);
    dir.writeInt32LE(-1, i * 128 + 72);
    dir.writeInt32LE(-1, i * 128 + 76);
  }

  return dir;
}

/** Where the text starts in the WordDocument stream (after the FIB). */
const TEXT_AT = 0x800;

export interface WordFixture {
  /** Paragraphs of the main text; a row of cells as string[] (cell marks, then a row mark). */
  readonly body: readonly (string | readonly string[])[];
  readonly footnote?: string;
  readonly comment?: string;
  readonly title?: string;
  readonly author?: string;
  /** FIB flags: fEncrypted (RC4/XOR password protection). */
  readonly encrypted?: boolean;
  /** FIB nFib (0x00C1 Word 97; 0x0068 Word 95). */
  readonly nFib?: number;
}

/**
 * A Word 97 document as little as word-extractor needs: a FIB with the story lengths (ccpText,
 * ccpFtn, ccpAtn) and the piece table's place (fcClx) in the 1Table stream, one 8-bit piece
 * holding every story's text, and a SummaryInformation property set with title and author.
 */
export function wordDoc(w: WordFixture): Buffer {
  // A table row: its cells each ended by a cell mark (0x07), then the row's end mark and a paragraph
  // end (Word marks the row end through paragraph properties this fixture does not write).
  const body = w.body.map((p) => (typeof p === 'string' ? `${p}\r` : `${p.join('\x07')}\x07\x07\r`)).join('');
  const footnote = w.footnote ? `\x02 ${w.footnote}\r` : '';
  const comment = w.comment ? `\x05${w.comment}\r` : '';
  const text = `${body}${footnote}${comment}\r`;
  const fib = Buffer.alloc(TEXT_AT + text.length);
  fib.writeUInt16LE(0xa5ec, 0);
  fib.writeUInt16LE(w.nFib ?? 0x00c1, 2);
  fib.writeUInt16LE(0x0200 | (w.encrypted ? 0x0100 : 0), 0x0a); // fWhichTblStm: 1Table
  fib.writeUInt32LE(TEXT_AT, 0x18);
  fib.writeUInt32LE(body.length, 0x4c);
  fib.writeUInt32LE(footnote.length, 0x50);
  fib.writeUInt32LE(comment.length, 0x5c);
  fib.writeUInt32LE(0, 0x1a2); // fcClx
  fib.writeUInt32LE(21, 0x1a6); // lcbClx
  Buffer.from(text, 'latin1').copy(fib, TEXT_AT);
  // Clx: a Pcdt (0x02, lcb, PlcPcd: CPs 0 and the text's length, one PCD of an 8-bit piece).
  const table = Buffer.alloc(21);
  table[0] = 0x02;
  table.writeUInt32LE(16, 1);
  table.writeUInt32LE(0, 5);
  table.writeUInt32LE(text.length, 9);
  table.writeUInt32LE(((TEXT_AT * 2) | 0x40000000) >>> 0, 15);
  const streams: Ole2Stream[] = [
    { name: 'WordDocument', data: fib },
    { name: '1Table', data: table },
  ];
  if (w.title !== undefined || w.author !== undefined) streams.push({ name: '\u0005SummaryInformation', data: summaryInformation(w.title, w.author) });
  return ole2(streams);
}

/** A SummaryInformation property set: code page 1252, title (2), author (4), creation time (12). */
function summaryInformation(title?: string, author?: string): Buffer {
  const props: [number, Buffer][] = [[1, Buffer.from([2, 0, 0, 0, 0xe4, 0x04, 0, 0])]];
  const lpstr = (s: string) => {
    const bytes = Buffer.from(`${s}\0`, 'latin1');
    const value = Buffer.alloc(8 + Math.ceil(bytes.length / 4) * 4);
    value.writeUInt32LE(30, 0);
    value.writeUInt32LE(bytes.length, 4);
    bytes.copy(value, 8);
    return value;
  };
  if (title !== undefined) props.push([2, lpstr(title)]);
  if (author !== undefined) props.push([4, lpstr(author)]);
  const created = Buffer.alloc(12);
  created.writeUInt32LE(64, 0);
  created.writeBigUInt64LE((BigInt(Date.UTC(2024, 4, 6, 7, 8, 9)) + 11_644_473_600_000n) * 10_000n, 4);
  props.push([12, created]);

  const index = Buffer.alloc(8 + props.length * 8);
  let offset = index.length;
  props.forEach(([id, value], i) => {
    index.writeUInt32LE(id, 8 + i * 8);
    index.writeUInt32LE(offset, 12 + i * 8);
    offset += value.length;
  });
  index.writeUInt32LE(offset, 0);
  index.writeUInt32LE(props.length, 4);
  const head = Buffer.alloc(48);
  head.writeUInt16LE(0xfffe, 0);
  head.writeUInt32LE(1, 24);
  Buffer.from('e0859ff2f94f6810ab9108002b27b3d9', 'hex').copy(head, 28);
  head.writeUInt32LE(48, 44);
  return Buffer.concat([head, index, ...props.map(([, v]) => v)]);
}

/** A binary PowerPoint 97-2003 container (its "PowerPoint Document" and "Current User" streams). */
export function binaryPpt(): Buffer {
  return ole2([
    { name: 'PowerPoint Document', data: Buffer.from('not a real presentation record stream') },
    { name: 'Current User', data: Buffer.alloc(64) },
  ]);
}

/** A binary Excel 97-2003 workbook container (its "Workbook" stream). */
export function binaryXls(): Buffer {
  return ole2([{ name: 'Workbook', data: Buffer.from([0x09, 0x08, 0x10, 0x00]) }]);
}

/** A sample Word 97 document: paragraphs, a table row, a footnote, a comment, title and author. */
export function sampleDoc(extra: Partial<WordFixture> = {}): Buffer {
  return wordDoc({
    body: ['Quarterly memo for the board.', 'Sales grew in every region\x02.', ['Region', 'Units'], 'Closing paragraph.'],
    footnote: 'Audited figures only.',
    comment: 'Please double-check.',
    title: 'Board Memo',
    author: 'Dana Writer',
    ...extra,
  });
}

/** A Word container whose WordDocument stream's FAT chain loops forever. */
export function loopingDoc(): Buffer {
  return ole2([{ name: 'WordDocument', data: Buffer.alloc(8192, 0x41) }, { name: '1Table', data: Buffer.alloc(16) }], { loopStream: 'WordDocument' });
}

/** A Word container whose header claims 2^31 - 1 FAT sectors. */
export function hugeFatClaimDoc(): Buffer {
  return ole2([{ name: 'WordDocument', data: Buffer.alloc(16) }], { fatSectorsClaim: 0x7fffffff });
}

/** An OLE2 header, the stream name "WordDocument" so it is routed as a .doc, then garbage. */
export function garbageDoc(size = 20_000): Buffer {
  const bytes = Buffer.alloc(size);
  let x = 12345;
  for (let i = 0; i < size; i++) bytes[i] = (x = (x * 1103515245 + 12345) & 0x7fffffff) >> 16;
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(bytes, 0);
  Buffer.from('WordDocument', 'utf16le').copy(bytes, 4000);
  return bytes;
}

/** A Word document whose FIB is valid but whose piece table points past the table stream. */
export function brokenPieceTableDoc(): Buffer {
  const doc = wordDoc({ body: ['Text that will never be reached.'] });
  // The FIB's fcClx (first sector of WordDocument, after the header, FAT and directory sectors).
  const fibAt = doc.indexOf(Buffer.from([0xec, 0xa5, 0xc1, 0x00]));
  doc.writeUInt32LE(0x7fff0000, fibAt + 0x1a2);
  return doc;
}

/** A Word 97 document of about `bytes` of text, in paragraphs, for the bench. */
export function largeDoc(bytes = 1024 * 1024): Buffer {
  const words = 'minutes of the meeting on budget staffing projects risks and the plan for the next quarter were approved'.split(' ');
  const body: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const p = Array.from({ length: 40 }, (_, k) => words[(i * 3 + k * 7) % words.length]).join(' ') + ` (${i}).`;
    body.push(p);
    size += p.length + 1;
  }
  return wordDoc({ body, title: 'Large generated memo', author: 'Bench' });
}
