import fs from 'node:fs';
import path from 'node:path';
import { type Section, useUploadGateway } from '../helpers/format-upload.js';
import { containsPhrase, CORPUS_DIR } from '../helpers/corpus.js';
import { binaryPpt, binaryXls, brokenPieceTableDoc, garbageDoc, hugeFatClaimDoc, largeDoc, loopingDoc, sampleDoc } from '../../scripts/fixtures-office.js';

/**
 * Legacy Word (.doc) through the real upload route and real extraction workers, and the other
 * OLE2 kinds: a binary PowerPoint is refused by name, an Excel workbook named .doc is a mismatch.
 */
const { upload } = useUploadGateway();

const shape = (s: Section) => ({ title: s.title ?? '', text: s.text ?? '', metadata: JSON.parse(s.metadataJson ?? '{}') });

const CORPUS_DOC = path.join(CORPUS_DIR, 'tika__testWORD.doc');
const haveCorpus = fs.existsSync(CORPUS_DOC);
if (!haveCorpus && process.env['CI'] === 'true') throw new Error(`CI=true but the shared corpus file is missing: ${CORPUS_DOC}`);
if (!haveCorpus) console.warn(`${CORPUS_DOC} not found: the real-.doc test is skipped (it is required when CI=true)`);

describe('doc extraction', () => {
  it('extracts a generated Word 97 document: body as one untitled section, footnotes and comments as their own, SummaryInformation metadata', async () => {
    const res = await upload('memo.doc', sampleDoc());
    expect(res.status).toBe(200);
    const doc = res.body.document;
    expect((doc.section as Section[]).map(shape)).toEqual([
      { title: '', text: 'Quarterly memo for the board.\nSales grew in every region.\nRegion\tUnits\nClosing paragraph.', metadata: {} },
      { title: 'Footnotes', text: 'Audited figures only.', metadata: { part: 'footnotes' } },
      { title: 'Comments', text: 'Please double-check.', metadata: { part: 'comments' } },
    ]);
    expect(doc.title).toBe('Board Memo');
    expect(JSON.parse(doc.metadataJson)).toMatchObject({
      title: 'Board Memo',
      creator: 'Dana Writer',
      created: '2024-05-06T07:08:09.000Z',
      mime_type: 'application/msword',
      extractor: expect.stringMatching(/^word-extractor@\d/),
    });
  });

  it('has no title when SummaryInformation has none', async () => {
    const res = await upload('untitled.doc', sampleDoc({ title: undefined, author: undefined }));
    expect(res.status).toBe(200);
    expect(res.body.document.title ?? '').toBe('');
  });

  (haveCorpus ? it : it.skip)('extracts the corpus .doc (tika__testWORD.doc): body, header and footer, title from its properties', async () => {
    const res = await upload('tika__testWORD.doc', fs.readFileSync(CORPUS_DOC));
    expect(res.status).toBe(200);
    const sections = (res.body.document.section as Section[]).map(shape);
    const all = sections.map((s) => `${s.title}\n${s.text}`).join('\n');
    for (const phrase of ['This is a sample Microsoft Word Document', 'The table has things in it', 'That’s it!']) expect({ phrase, found: containsPhrase(all, phrase) }).toEqual({ phrase, found: true });
    expect(sections.map((s) => s.title)).toEqual(['', 'Headers', 'Footers']);
    expect(sections[1]!.text).toBe('This is the header for our document');
    expect(res.body.document.title).toBe('Sample Word Document');
  });

  it('refuses a .doc whose FIB says it is password-protected (RC4/XOR: fEncrypted) as ENCRYPTED', async () => {
    const res = await upload('secret.doc', sampleDoc({ encrypted: true }));
    expect(res.status).toBe(422);
    expect(res.body.internalCode).toBe('ENCRYPTED');
  });

  it('refuses a Word 6.0/95 document by name (415)', async () => {
    const res = await upload('old.doc', sampleDoc({ nFib: 0x0068 }));
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ internalCode: 'UNSUPPORTED_TYPE', details: expect.stringContaining('Word 6.0/95') });
  });

  it('answers a looping FAT chain with CORRUPT at once instead of growing until the heap cap', async () => {
    const started = Date.now();
    const res = await upload('loop.doc', loopingDoc());
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ internalCode: 'CORRUPT', details: expect.stringContaining('loops') });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('answers a header claiming 2^31 FAT sectors, garbage after the OLE2 magic, a broken piece table and a truncated file with CORRUPT, never a 500', async () => {
    const truncated = sampleDoc().subarray(0, 4000);
    const cases: [string, Buffer][] = [
      ['huge-fat.doc', hugeFatClaimDoc()],
      ['garbage.doc', garbageDoc()],
      ['pieces.doc', brokenPieceTableDoc()],
      ['truncated.doc', truncated],
    ];
    for (const [name, bytes] of cases) {
      const res = await upload(name, bytes);
      expect({ name, status: res.status, code: res.body.internalCode }).toEqual({ name, status: 422, code: 'CORRUPT' });
    }
  });

  it('refuses a binary PowerPoint (.ppt) with 415 naming the format', async () => {
    for (const name of ['slides.ppt', 'slides-without-extension']) {
      const res = await upload(name, binaryPpt());
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ internalCode: 'UNSUPPORTED_TYPE', detectedType: 'application/vnd.ms-powerpoint' });
      expect(res.body.details).toContain('PowerPoint 97-2003');
      expect(res.body.supportedTypes).toEqual(expect.arrayContaining([expect.stringContaining('.pptx')]));
    }
  });

  it('answers an Excel workbook named .doc with TYPE_MISMATCH', async () => {
    const res = await upload('budget.doc', binaryXls());
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ internalCode: 'TYPE_MISMATCH', detectedType: 'application/vnd.ms-excel' });
  });

  it('extracts the ~1 MB bench document', async () => {
    const res = await upload('large.doc', largeDoc());
    expect(res.status).toBe(200);
    expect(res.body.document.section[0].text.length).toBeGreaterThan(900_000);
  });
});
