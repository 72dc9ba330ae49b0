import fs from 'node:fs';
import { CMAP_DIR, HeldCMapReaderFactory, HeldStandardFontDataFactory, STANDARD_FONT_DIR } from '../src/extract/pdf-data-files.js';

// The factories pdf.js calls for its data files: end to end, CJK and standard-font PDFs of the
// shared corpus go through them in corpus.test.ts; here, what they must never do.
const cmaps = new HeldCMapReaderFactory();
const fonts = new HeldStandardFontDataFactory();

test('a CMap and a standard font come from the package, byte for byte', async () => {
  const { cMapData, isCompressed } = await cmaps.fetch({ name: 'UniJIS-UCS2-H' });
  expect(isCompressed).toBe(true);
  expect(Buffer.from(cMapData).equals(fs.readFileSync(`${CMAP_DIR}UniJIS-UCS2-H.bcmap`))).toBe(true);
  const font = await fonts.fetch({ filename: 'FoxitSerif.pfb' });
  expect(Buffer.from(font).equals(fs.readFileSync(`${STANDARD_FONT_DIR}FoxitSerif.pfb`))).toBe(true);
});

test('each answer is a copy: what pdf.js does with one does not reach the next document', async () => {
  const first = await fonts.fetch({ filename: 'LiberationSans-Regular.ttf' });
  const expected = Buffer.from(first);
  first.fill(0);
  structuredClone(first.buffer, { transfer: [first.buffer] }); // detached, as a transfer would leave it
  const second = await fonts.fetch({ filename: 'LiberationSans-Regular.ttf' });
  expect(Buffer.from(second).equals(expected)).toBe(true);
});

test.each(['../../package', '../cmaps/UniJIS-UCS2-H', '/etc/passwd', 'a/b', '', '.hidden'])(
  'a name that is not a plain file name (%j) is refused',
  async (name) => {
    await expect(cmaps.fetch({ name })).rejects.toThrow(/Unable to load binary CMap/);
    await expect(fonts.fetch({ filename: name })).rejects.toThrow(/Unable to load font data/);
  },
);

test('a missing file fails every time (a failure is not kept)', async () => {
  await expect(cmaps.fetch({ name: 'No-Such-CMap' })).rejects.toThrow(/No-Such-CMap/);
  await expect(cmaps.fetch({ name: 'No-Such-CMap' })).rejects.toThrow(/No-Such-CMap/);
});
