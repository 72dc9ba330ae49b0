import { CORPUS, CUSTOMER } from '../helpers/gateway.js';
import { type Section, useUploadGateway } from '../helpers/format-upload.js';
import { billionLaughsEpub, bombEpub, deepEpub, drmEpub, externalEntityEpub, fontObfuscatedEpub, largeEpub, simpleEpub } from '../../scripts/fixtures-html.js';

/** EPUB books through the real upload route and real extraction workers (issue 16). */
const { gw, upload } = useUploadGateway();


async function expectRefused(name: string, bytes: Buffer, status: number, code: string) {
  const res = await upload(name, bytes);
  expect({ status: res.status, code: res.body.internalCode }).toEqual({ status, code });
  expect(await gw.store.findDocument({ customerId: CUSTOMER, corpusId: CORPUS, documentId: name })).toBeNull();
}

describe('EPUB extraction', () => {
  it('reads chapters in spine order, one section each, headings nested, title and author from the OPF', async () => {
    const res = await upload('book.epub', simpleEpub());
    expect(res.status).toBe(200);
    const doc = res.body.document;
    expect(doc.title).toBe('Generated Book');
    expect(JSON.parse(doc.metadataJson)).toMatchObject({
      title: 'Generated Book',
      creator: 'Ada Author',
      language: 'en',
      date: '2026-11-30',
      mime_type: 'application/epub+zip',
      extractor: expect.stringMatching(/^linkedom@\d/),
    });
    const [one, two] = doc.section as Section[];
    expect(doc.section).toHaveLength(2);
    expect(one).toMatchObject({ title: 'Chapter One', text: 'Text of chapter one.' });
    expect(JSON.parse(one!.metadataJson!)).toMatchObject({ heading_level: 1, chapter: 1 });
    expect(one!.section).toEqual([expect.objectContaining({ title: 'Part A', text: 'Text of part A.', metadataJson: '{"heading_level":2}' })]);
    // No heading in chapter two: the NCX's title; its table as a tab-separated row; the style never kept.
    expect(two).toMatchObject({ title: 'The Second Chapter', text: 'Chapter two has no heading.\nc1\tc2' });
    expect(JSON.stringify(doc)).not.toContain('margin');
  });

  it('titles a heading-less chapter from an EPUB 3 navigation document (its toc nav, not landmarks)', async () => {
    const res = await upload('book3.epub', simpleEpub({ epub3: true }));
    expect(res.status).toBe(200);
    expect(res.body.document.section.map((s: Section) => s.title)).toEqual(['Chapter One', 'The Second Chapter']);
  });

  it('reads the chapters it has when the spine names a missing one, with a warning', async () => {
    const res = await upload('missing.epub', simpleEpub({ missing: ['text/gone.xhtml'] }));
    expect(res.status).toBe(200);
    expect(res.body.document.section).toHaveLength(2);
    expect(res.body.warnings).toEqual([{ code: 'CONTENT_SKIPPED', message: expect.stringContaining('1 spine document(s)') }]);
  });

  it('refuses a DRM-protected book (encryption.xml naming a chapter) as ENCRYPTED', async () => {
    await expectRefused('drm.epub', drmEpub(), 422, 'ENCRYPTED');
  });

  it('reads a book whose encryption.xml names only an obfuscated font', async () => {
    const res = await upload('font.epub', fontObfuscatedEpub());
    expect(res.status).toBe(200);
    expect(res.body.document.section[0].title).toBe('Chapter One');
  });

  it('refuses a book without its OPF, or whose container names none, as CORRUPT', async () => {
    await expectRefused('no-opf.epub', simpleEpub({ opf: null }), 422, 'CORRUPT');
    await expectRefused('bad-container.epub', simpleEpub({ container: '<container><rootfiles></rootfiles>' }), 422, 'CORRUPT');
  });

  it('refuses a truncated book as CORRUPT, not a 500', async () => {
    const book = simpleEpub();
    await expectRefused('truncated.epub', book.subarray(0, Math.floor(book.length / 2)), 422, 'CORRUPT');
  });

  it('never expands the DTD entities of an OPF (billion laughs): the reference stays literal', async () => {
    const res = await upload('laughs.epub', billionLaughsEpub());
    expect(res.status).toBe(200);
    expect(res.body.document.title).toBe('&lol9;');
    expect(JSON.stringify(res.body.document)).not.toContain('lollol');
  });

  it('never resolves an external entity of an OPF (file:///etc/passwd)', async () => {
    const res = await upload('xxe.epub', externalEntityEpub());
    expect(res.status).toBe(200);
    expect(res.body.document.title).toBe('Title &xxe; end');
    expect(JSON.stringify(res.body.document)).not.toMatch(/root:/);
  });

  it('refuses a chapter that inflates like a bomb (zip-guard) as DECOMPRESSION_BOMB', async () => {
    await expectRefused('bomb.epub', bombEpub(), 422, 'DECOMPRESSION_BOMB');
  });

  it('refuses XHTML nested past the XML depth cap (zip-guard) as EXTRACTION_RESOURCE_LIMIT', async () => {
    await expectRefused('deep.epub', deepEpub(5_000), 422, 'EXTRACTION_RESOURCE_LIMIT');
  });

  it('extracts a book of ~1 MB of chapters within the worker caps', async () => {
    const res = await upload('large.epub', largeEpub(1024 * 1024), false);
    expect(res.status).toBe(200);
    expect(await gw.store.findDocument({ customerId: CUSTOMER, corpusId: CORPUS, documentId: 'large.epub' })).not.toBeNull();
  });
});
