import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * pdf.js's data files (binary CMaps for CJK text, the standard 14 fonts), read once per worker and
 * kept: pdf.js's own Node factories read the files again for every document. These factories are
 * passed to getDocument as `CMapReaderFactory` / `StandardFontDataFactory` and answer pdf.js's
 * `fetch()` calls with the same shapes as its Node factories.
 *
 * Only files of the pdfjs-dist package are read: pdf.js asks for CMaps by names from its built-in
 * list and for fonts by names from its own table, and a name that is not a plain file name is
 * refused here anyway. At most the two directories (~2.5 MB) end up held.
 */
const PDFJS_DIR = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
export const CMAP_DIR = path.join(PDFJS_DIR, 'cmaps') + path.sep;
export const STANDARD_FONT_DIR = path.join(PDFJS_DIR, 'standard_fonts') + path.sep;

const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const held = new Map<string, Promise<Uint8Array>>();

/** The file's bytes; a copy each time, so that pdf.js may keep or detach what it is given. */
async function packageFile(dir: string, name: string): Promise<Uint8Array> {
  if (!PLAIN_NAME.test(name)) throw new Error(`not a pdf.js data file name: ${JSON.stringify(name)}`);
  const file = dir + name;
  let bytes = held.get(file);
  if (!bytes) {
    bytes = readFile(file).then((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    held.set(file, bytes);
    bytes.catch(() => held.delete(file)); // a failed read is not remembered
  }
  return (await bytes).slice();
}

/** Binary CMaps (`cMapPacked: true`) from the package, whatever baseUrl pdf.js is given. */
export class HeldCMapReaderFactory {
  async fetch({ name }: { name: string }): Promise<{ cMapData: Uint8Array; isCompressed: boolean }> {
    try {
      return { cMapData: await packageFile(CMAP_DIR, `${name}.bcmap`), isCompressed: true };
    } catch {
      throw new Error(`Unable to load binary CMap ${name}`);
    }
  }
}

/** Standard font files from the package. */
export class HeldStandardFontDataFactory {
  async fetch({ filename }: { filename: string }): Promise<Uint8Array> {
    try {
      return await packageFile(STANDARD_FONT_DIR, filename);
    } catch {
      throw new Error(`Unable to load font data ${filename}`);
    }
  }
}
