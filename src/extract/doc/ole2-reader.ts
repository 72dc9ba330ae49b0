import { ExtractionError } from '../../errors/index.js';

/**
 * A bounds-checked reader of an OLE2 compound file ([MS-CFB]), run before word-extractor opens the
 * file. word-extractor follows sector chains without remembering where it has been: a FAT whose
 * chain loops (A → B → A) made it grow an array until the heap cap killed the worker, and a header
 * claiming 2^31 FAT sectors made it allocate accordingly. Here every table is checked first — a
 * sector id outside the file, a FAT or mini-FAT chain that loops — and such a file is CORRUPT
 * before the library sees it. The reader also gives the few streams the extractor reads itself:
 * the Word FIB's flags (encryption) and the SummaryInformation properties (title, author, dates).
 */
export interface Ole2File {
  /** A stream's bytes by its (root-level or nested) name, or null when there is none. */
  stream(name: string): Buffer | null;
}

const MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const END_OF_CHAIN = -2;
const FREE = -1;
/** At most this many DIFAT sectors are followed (109 + 127 × 10,000 FAT sectors: files past 5 GB). */
const MAX_DIFAT_SECTORS = 10_000;

function corrupt(why: string): ExtractionError {
  return new ExtractionError('CORRUPT', `the file is not a readable OLE2 (Word 97-2003) container: ${why}`);
}

interface DirEntry {
  readonly name: string;
  readonly type: number;
  readonly start: number;
  readonly size: number;
}

export function openOle2(bytes: Buffer): Ole2File {
  if (bytes.length < 512 || !bytes.subarray(0, 8).equals(MAGIC)) throw corrupt('no OLE2 header');
  const shift = bytes.readUInt16LE(30);
  if (shift !== 9 && shift !== 12) throw corrupt(`sector size 2^${shift}`);
  const secSize = 1 << shift;
  const miniSize = 1 << bytes.readUInt16LE(32);
  if (miniSize !== 64) throw corrupt(`mini sector size ${miniSize}`);
  const sectorCount = Math.max(0, Math.ceil((bytes.length - secSize) / secSize));
  const sector = (id: number): Buffer => {
    if (id < 0 || id >= sectorCount) throw corrupt(`sector ${id} lies outside the file`);
    return bytes.subarray(secSize + id * secSize, secSize + (id + 1) * secSize);
  };

  const fat = readFat(bytes, secSize, sectorCount, sector);
  checkAcyclic(fat, 'FAT');
  const chain = (table: Int32Array, start: number, what: string): number[] => {
    const ids: number[] = [];
    for (let id = start; id !== END_OF_CHAIN; id = table[id]!) {
      if (id < 0 || id >= table.length) throw corrupt(`${what} chain points to sector ${id}`);
      ids.push(id);
    }
    return ids;
  };
  const readChain = (start: number, what: string) => Buffer.concat(chain(fat, start, what).map(sector));

  const dir = readChain(bytes.readInt32LE(48), 'directory');
  const entries: DirEntry[] = [];
  for (let off = 0; off + 128 <= dir.length; off += 128) {
    const nameLength = Math.min(Math.max(dir.readUInt16LE(off + 64) - 2, 0), 64);
    entries.push({ name: dir.toString('utf16le', off, off + nameLength), type: dir[off + 66]!, start: dir.readInt32LE(off + 116), size: dir.readUInt32LE(off + 120) });
  }
  const root = entries.find((e) => e.type === 5);
  if (!root) throw corrupt('no root directory entry');

  const cutoff = bytes.readUInt32LE(56);
  const miniFatBytes = bytes.readInt32LE(60) === END_OF_CHAIN ? Buffer.alloc(0) : readChain(bytes.readInt32LE(60), 'mini FAT');
  const miniFat = new Int32Array(miniFatBytes.buffer.slice(miniFatBytes.byteOffset, miniFatBytes.byteOffset + (miniFatBytes.length & ~3)));
  checkAcyclic(miniFat, 'mini FAT');
  const miniStream = root.start < 0 ? Buffer.alloc(0) : readChain(root.start, 'mini stream');

  return {
    stream(name) {
      const entry = entries.find((e) => e.type === 2 && e.name === name);
      if (!entry) return null;
      if (entry.size >= cutoff) return readChain(entry.start, name).subarray(0, entry.size);
      const parts = chain(miniFat, entry.start, name).map((id) => {
        if ((id + 1) * miniSize > miniStream.length) throw corrupt(`mini sector ${id} lies outside the mini stream`);
        return miniStream.subarray(id * miniSize, (id + 1) * miniSize);
      });
      return Buffer.concat(parts).subarray(0, entry.size);
    },
  };
}

/** The FAT: its sectors named by the header's 109 DIFAT entries and the DIFAT sector chain. */
function readFat(bytes: Buffer, secSize: number, sectorCount: number, sector: (id: number) => Buffer): Int32Array {
  const fatSectors = bytes.readUInt32LE(44);
  if (fatSectors > sectorCount) throw corrupt(`the header claims ${fatSectors} FAT sectors in a file of ${sectorCount}`);
  const ids: number[] = [];
  for (let i = 0; i < 109 && ids.length < fatSectors; i++) ids.push(bytes.readInt32LE(76 + i * 4));
  const seen = new Set<number>();
  for (let next = bytes.readInt32LE(68); ids.length < fatSectors && next !== END_OF_CHAIN && next !== FREE; ) {
    if (seen.has(next) || seen.size >= MAX_DIFAT_SECTORS) throw corrupt('the DIFAT chain loops');
    seen.add(next);
    const difat = sector(next);
    for (let off = 0; off < secSize - 4 && ids.length < fatSectors; off += 4) ids.push(difat.readInt32LE(off));
    next = difat.readInt32LE(secSize - 4);
  }
  if (ids.length < fatSectors) throw corrupt('the DIFAT names fewer FAT sectors than the header claims');
  const fat = Buffer.concat(ids.map(sector));
  return new Int32Array(fat.buffer.slice(fat.byteOffset, fat.byteOffset + fat.length));
}

/** Every chain of `table` ends: no sector is reached again by following next-pointers (O(n)). */
function checkAcyclic(table: Int32Array, what: string): void {
  const state = new Uint8Array(table.length); // 0 unseen, 1 on the current path, 2 known to end
  const path: number[] = [];
  for (let start = 0; start < table.length; start++) {
    let id = start;
    while (id >= 0 && id < table.length && state[id] === 0) {
      state[id] = 1;
      path.push(id);
      id = table[id]!;
    }
    if (id >= 0 && id < table.length && state[id] === 1) throw corrupt(`a ${what} chain loops back to sector ${id}`);
    for (const p of path) state[p] = 2;
    path.length = 0;
  }
}
