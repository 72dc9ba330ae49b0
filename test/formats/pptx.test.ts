import { type Section, useUploadGateway } from '../helpers/format-upload.js';
import { zip } from '../../scripts/fixtures.js';
import { deepPptx, hostilePptx, largePptx, pptx, samplePptx } from '../../scripts/fixtures-office.js';

/** PowerPoint (.pptx) through the real upload route and real extraction workers. */
const { upload } = useUploadGateway();

const shape = (s: Section): unknown => ({
  title: s.title ?? '',
  text: s.text ?? '',
  metadata: JSON.parse(s.metadataJson ?? '{}'),
  ...(s.section ? { children: s.section.map(shape) } : {}),
});

describe('pptx extraction', () => {
  it('gives one section per slide in presentation order, titled by the title placeholder, notes as a child, hidden slides marked', async () => {
    const res = await upload('deck.pptx', samplePptx());
    expect(res.status).toBe(200);
    const doc = res.body.document;
    expect((doc.section as Section[]).map(shape)).toEqual([
      {
        title: 'Opening Slide',
        text: 'Presented by the finance team',
        metadata: { slide: 1 },
        children: [{ title: 'Notes', text: 'Welcome everyone.\nKeep it short.', metadata: { slide: 1, part: 'notes' } }],
      },
      {
        title: 'Quarterly Results',
        text: 'Revenue grew in every region.\nCosts stayed flat.',
        metadata: { slide: 2 },
        children: [{ title: 'Notes', text: 'Mention the new Lisbon office.', metadata: { slide: 2, part: 'notes' } }],
      },
      { title: 'Appendix Table', text: 'Region\tRevenue\nNorth\t120\nSouth\t95', metadata: { slide: 3, hidden: true } },
      { title: '', text: 'A closing slide without any title placeholder.', metadata: { slide: 4 } },
    ]);
    // No core.xml: the first slide's title; the slide-number placeholders ("#7") are not indexed.
    expect(doc.title).toBe('Opening Slide');
    expect(JSON.stringify(doc.section)).not.toContain('#7');
    const meta = JSON.parse(doc.metadataJson);
    expect(meta).toMatchObject({ slides: 4, extractor: 'corpusgate/pptx', mime_type: expect.stringContaining('presentationml') });
  });

  it('takes the title from docProps/core.xml when it has one', async () => {
    const res = await upload('titled-deck.pptx', samplePptx('Board Meeting 2026'));
    expect(res.status).toBe(200);
    expect(res.body.document.title).toBe('Board Meeting 2026');
    expect(JSON.parse(res.body.document.metadataJson)).toMatchObject({ title: 'Board Meeting 2026', creator: 'Fixture Author' });
  });

  it('refuses a presentation without any text as NO_TEXT', async () => {
    const res = await upload('blank.pptx', pptx([{}, {}]));
    expect(res.status).toBe(422);
    expect(res.body.internalCode).toBe('NO_TEXT');
  });

  it('refuses a slide with a billion-laughs DTD without expanding it (CORRUPT, bounded time)', async () => {
    const started = Date.now();
    const res = await upload('laughs.pptx', hostilePptx('laughs'));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ internalCode: 'CORRUPT', details: expect.stringContaining('DTD') });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a slide with an external entity and never reads the file it names', async () => {
    const res = await upload('xxe.pptx', hostilePptx('external'));
    expect(res.status).toBe(422);
    expect(res.body.internalCode).toBe('CORRUPT');
    expect(JSON.stringify(res.body)).not.toContain('root:');
  });

  it('refuses slide XML nested 2,000 levels deep (EXTRACTION_RESOURCE_LIMIT)', async () => {
    const res = await upload('deep.pptx', deepPptx());
    expect(res.status).toBe(422);
    expect(res.body.internalCode).toBe('EXTRACTION_RESOURCE_LIMIT');
  });

  it('refuses a ZIP bomb inside a pptx before reading it (DECOMPRESSION_BOMB)', async () => {
    // A presentation part and 300 MiB of zeros: the zip-guard's declared-size check.
    const bomb = zip([{ name: 'ppt/presentation.xml', data: Buffer.from('<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>') }, { name: 'ppt/media/zeros.bin', data: Buffer.alloc(300 * 1024 * 1024) }]);
    const res = await upload('bomb.pptx', bomb);
    expect(res.status).toBe(422);
    expect(res.body.internalCode).toBe('DECOMPRESSION_BOMB');
  });

  it('answers a malformed slide or a truncated package with CORRUPT, not a 500', async () => {
    const broken = await upload('broken.pptx', pptx([{ rawXml: '<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld>' }]));
    expect(broken.status).toBe(422);
    expect(broken.body.internalCode).toBe('CORRUPT');
    const full = samplePptx();
    const truncated = await upload('truncated.pptx', full.subarray(0, Math.floor(full.length / 2)));
    expect(truncated.status).toBe(422);
    expect(truncated.body.internalCode).toBe('CORRUPT');
  });

  it('extracts the ~1 MB bench presentation', async () => {
    const big = largePptx();
    const res = await upload('large.pptx', big);
    expect(res.status).toBe(200);
    const sections = res.body.document.section as Section[];
    expect(sections.length).toBeGreaterThan(100);
    expect(sections[9]!.text).toContain('Revenue\t');
    expect(sections[0]!.section?.[0]?.title).toBe('Notes');
  });
});
