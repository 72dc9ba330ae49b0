import yauzl from 'yauzl';
import { ExtractionError } from '../errors/index.js';
import { asBuffer } from './sniff.js';
import { MAX_XML_DEPTH, xmlNestingDepth } from './xml-depth.js';

/** Bomb limits (DEVELOPERS.md / the extraction issue). */
export const ZIP_LIMITS = {
  maxEntries: 10_000,
  maxTotalUncompressed: 200 * 1024 * 1024,
  maxRatio: 200,
  /** Entries smaller than this are not ratio-checked: a tiny run of zeros compresses 1000:1 and harms no one. */
  ratioCheckFrom: 64 * 1024,
} as const;

/**
 * The parts inflated (and counted) here: XML (OOXML, ODF, EPUB's package and navigation files),
 * EPUB's (X)HTML chapters and the ODF/EPUB `mimetype` entry. Pictures and fonts are never inflated.
 */
const INFLATED = /(^mimetype$|\.(xml|rels|opf|ncx|xhtml|html?)$)/i;
/** Parts whose element nesting is measured (HTML's unclosed void elements would look deep: not those). */
const XML = /\.(xml|rels|opf|ncx|xhtml)$/i;

export interface ZipContents {
  readonly names: ReadonlySet<string>;
  /** Inflated parts the extractor reads itself (styles, core properties, chapters), by name. */
  readonly parts: ReadonlyMap<string, Buffer>;
}

/**
 * Reads a ZIP's central directory with yauzl and refuses bombs before anything else opens it:
 * too many entries, too much declared size, or a suspicious ratio. Then it inflates every XML
 * part — the parts mammoth will read — counting the *actual* bytes, because declared sizes lie:
 * the running total is capped, an entry whose real size disagrees with its declared one is a bomb
 * past the ratio limit and damaged (CORRUPT) below it.
 * Each XML part's element nesting is measured too (src/extract/xml-depth.ts).
 * `keep` names the parts to hand back, or decides from a part's name and every entry's name.
 */
export async function inspectZip(bytes: Uint8Array, keep: readonly string[] | ((name: string, names: ReadonlySet<string>) => boolean) = []): Promise<ZipContents> {
  const zip = await open(bytes);
  try {
    const entries = await listEntries(zip);
    const names = new Set(entries.map((e) => e.fileName));
    const kept = typeof keep === 'function' ? (name: string) => keep(name, names) : (name: string) => keep.includes(name);
    const parts = new Map<string, Buffer>();
    let inflated = 0;
    for (const entry of entries) {
      if (!INFLATED.test(entry.fileName)) continue;
      const data = await readEntry(zip, entry, ZIP_LIMITS.maxTotalUncompressed - inflated);
      inflated += data.length;
      if (XML.test(entry.fileName) && xmlNestingDepth(data, MAX_XML_DEPTH) > MAX_XML_DEPTH) {
        throw new ExtractionError('EXTRACTION_RESOURCE_LIMIT', `${entry.fileName} nests XML elements deeper than ${MAX_XML_DEPTH} levels`);
      }
      if (kept(entry.fileName)) parts.set(entry.fileName, data);
    }
    return { names, parts };
  } finally {
    zip.close();
  }
}

function open(bytes: Uint8Array): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // Entry sizes are checked here, not by yauzl: it stops at the first chunk past the declared size,
    // too early to tell a damaged entry from a bomb.
    yauzl.fromBuffer(asBuffer(bytes), { lazyEntries: true, validateEntrySizes: false, strictFileNames: false }, (err, zip) => {
      if (err || !zip) reject(new ExtractionError('CORRUPT', `the file is not a readable ZIP container: ${err?.message ?? 'unknown error'}`));
      else resolve(zip);
    });
  });
}

function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  if (zip.entryCount > ZIP_LIMITS.maxEntries) {
    return Promise.reject(bomb(`${zip.entryCount} entries (at most ${ZIP_LIMITS.maxEntries})`));
  }
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    let declared = 0;
    zip.on('entry', (entry: yauzl.Entry) => {
      declared += entry.uncompressedSize;
      if (declared > ZIP_LIMITS.maxTotalUncompressed) {
        reject(bomb(`its entries declare more than ${ZIP_LIMITS.maxTotalUncompressed / 1024 / 1024} MiB uncompressed`));
        return;
      }
      const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
      if (entry.uncompressedSize >= ZIP_LIMITS.ratioCheckFrom && ratio > ZIP_LIMITS.maxRatio) {
        reject(bomb(`entry ${entry.fileName} expands ${Math.round(ratio)}:1 (at most ${ZIP_LIMITS.maxRatio}:1)`));
        return;
      }
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (err: Error) => reject(new ExtractionError('CORRUPT', `the ZIP container is broken: ${err.message}`)));
    zip.readEntry();
  });
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, budget: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) {
        reject(new ExtractionError('CORRUPT', `ZIP entry ${entry.fileName} cannot be read: ${err?.message ?? 'unknown error'}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > budget) {
          stream.destroy();
          reject(bomb(`it inflates past ${ZIP_LIMITS.maxTotalUncompressed / 1024 / 1024} MiB`));
          return;
        }
        chunks.push(chunk);
      });
      stream.on('error', (e: Error) => reject(new ExtractionError('CORRUPT', `ZIP entry ${entry.fileName} is broken: ${e.message}`)));
      stream.on('end', () => {
        if (size === entry.uncompressedSize) return resolve(Buffer.concat(chunks, size));
        // Sizes that disagree with the directory: a bomb only when what really came out is one
        // (past the ratio limit); otherwise the entry is damaged, which is no cause for alarm.
        const ratio = size / Math.max(1, entry.compressedSize);
        if (size > entry.uncompressedSize && size >= ZIP_LIMITS.ratioCheckFrom && ratio > ZIP_LIMITS.maxRatio) {
          reject(bomb(`entry ${entry.fileName} inflates to ${size} bytes (${Math.round(ratio)}:1), not the ${entry.uncompressedSize} it declares`));
        } else {
          reject(new ExtractionError('CORRUPT', `ZIP entry ${entry.fileName} is damaged: it inflates to ${size} bytes, not the ${entry.uncompressedSize} it declares`));
        }
      });
    });
  });
}

function bomb(why: string): ExtractionError {
  return new ExtractionError('DECOMPRESSION_BOMB', `refused as a decompression bomb: ${why}`);
}
