import { type Section, useUploadGateway } from '../helpers/format-upload.js';
import { zip } from '../../scripts/fixtures.js';
import { contentXml, deepOdt, hostileOdt, largeOdt, odt, sampleOds, sampleOdt } from '../../scripts/fixtures-office.js';

/** OpenDocument text (.odt) through the real upload route and real extraction workers. */
const { upload } = useUploadGateway();

const shape = (s: Section): unknown => ({
  title: s.title ?? '',
  text: s.text ?? '',
  metadata: JSON.parse(s.metadataJson ?? '{}'),
  ...(s.section ? { children: s.section.map(shape) } : {}),
});

describe('odt extraction', () => {
  it('nests sections by heading level; lists, tables, spaces and breaks as text; notes and comments in their own sections; tracked deletions dropped', async () => {
    const res = await upload('report.odt', sampleOdt());
    expect(res.status).toBe(200);
    const doc = res.body.document;
    expect((doc.section as Section[]).map(shape)).toEqual([
      { title: '', text: 'Preface before any heading.', metadata: {} },
      {
        title: 'Annual Report',
        text: 'Spaces:   three, collapsed runs,\ttab\nnext line.',
        metadata: { heading_level: 1 },
        children: [
          {
            title: 'Sales',
            text: 'Sales rose sharply.\nFirst item\nSecond item\nNested item\nRegion\tUnits\nNorth\t12',
            metadata: { heading_level: 2 },
            children: [{ title: 'Detail', text: 'Detail text.', metadata: { heading_level: 3 } }],
          },
        ],
      },
      { title: 'Outlook', text: 'Next year looks good.', metadata: { heading_level: 1 } },
      { title: 'Footnotes', text: 'Audited figures.\nSecond footnote.', metadata: { part: 'footnotes' } },
      { title: 'Endnotes', text: 'An endnote.', metadata: { part: 'endnotes' } },
      { title: 'Comments', text: 'Check this number.', metadata: { part: 'comments' } },
    ]);
    expect(JSON.stringify(doc)).not.toContain('Deleted words');
    // No meta.xml: the first heading is the title.
    expect(doc.title).toBe('Annual Report');
    expect(JSON.parse(doc.metadataJson)).toMatchObject({ mime_type: 'application/vnd.oasis.opendocument.text', extractor: 'corpusgate/odt' });
  });

  it('reads title, author and dates from meta.xml (zone-less dates as UTC)', async () => {
    const meta = { title: 'Report 2026', initialCreator: 'Ana Author', creator: 'Bo Editor', created: '2026-01-02T03:04:05', modified: '2026-02-03T04:05:06+02:00' };
    const res = await upload('report-meta.odt', sampleOdt(meta));
    expect(res.status).toBe(200);
    expect(res.body.document.title).toBe('Report 2026');
    expect(JSON.parse(res.body.document.metadataJson)).toMatchObject({
      title: 'Report 2026',
      creator: 'Ana Author',
      lastModifiedBy: 'Bo Editor',
      created: '2026-01-02T03:04:05.000Z',
      modified: '2026-02-03T02:05:06.000Z',
    });
  });

  it('refuses an OpenDocument spreadsheet with 415 naming it, whatever its name', async () => {
    for (const name of ['sheet.ods', 'sheet.odt']) {
      const res = await upload(name, sampleOds());
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ internalCode: 'UNSUPPORTED_TYPE', detectedType: 'application/vnd.oasis.opendocument.spreadsheet' });
      expect(res.body.details).toContain('OpenDocument spreadsheet (.ods)');
    }
  });

  it('refuses a document without text as NO_TEXT', async () => {
    const res = await upload('empty.odt', odt(contentXml('<text:p/><text:h text:outline-level="1"> </text:h>')));
    expect(res.status).toBe(422);
    expect(res.body.internalCode).toBe('NO_TEXT');
  });

  it('refuses a billion-laughs content.xml without expanding it (CORRUPT, bounded time)', async () => {
    const started = Date.now();
    const res = await upload('laughs.odt', hostileOdt('laughs'));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ internalCode: 'CORRUPT', details: expect.stringContaining('DTD') });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses an external entity and never reads the file it names', async () => {
    const res = await upload('xxe.odt', hostileOdt('external'));
    expect(res.status).toBe(422);
    expect(res.body.internalCode).toBe('CORRUPT');
    expect(JSON.stringify(res.body)).not.toContain('root:');
  });

  it('refuses content.xml nested 2,000 levels deep (EXTRACTION_RESOURCE_LIMIT)', async () => {
    const res = await upload('deep.odt', deepOdt());
    expect(res.status).toBe(422);
    expect(res.body.internalCode).toBe('EXTRACTION_RESOURCE_LIMIT');
  });

  it('refuses a ZIP bomb inside an odt before reading it (DECOMPRESSION_BOMB)', async () => {
    const bomb = zip([
      { name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.text'), store: true },
      { name: 'content.xml', data: Buffer.from(contentXml('<text:p>x</text:p>')) },
      { name: 'Pictures/zeros.bin', data: Buffer.alloc(300 * 1024 * 1024) },
    ]);
    const res = await upload('bomb.odt', bomb);
    expect(res.status).toBe(422);
    expect(res.body.internalCode).toBe('DECOMPRESSION_BOMB');
  });

  it('answers malformed content.xml, a missing body or a truncated package with CORRUPT, not a 500', async () => {
    const cases: [string, Buffer][] = [
      ['malformed.odt', odt('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"><office:body>')],
      ['nobody.odt', odt('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>')],
      ['truncated.odt', sampleOdt().subarray(0, 300)],
    ];
    for (const [name, bytes] of cases) {
      const res = await upload(name, bytes);
      expect({ name, status: res.status, code: res.body.internalCode }).toEqual({ name, status: 422, code: 'CORRUPT' });
    }
  });

  it('extracts the ~1 MB bench document', async () => {
    const res = await upload('large.odt', largeOdt());
    expect(res.status).toBe(200);
    const sections = res.body.document.section as Section[];
    expect(sections.length).toBeGreaterThan(100);
    expect(sections[0]).toMatchObject({ title: 'Chapter 1', section: expect.arrayContaining([expect.objectContaining({ title: 'Part 1.1' })]) });
    expect(sections[sections.length - 1]).toMatchObject({ title: 'Footnotes' });
    expect(res.body.document.title).toBe('Large generated report');
  });
});
