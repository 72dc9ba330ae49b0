import { useUploadGateway } from '../helpers/format-upload.js';
import { deepRtf, garbageRtf, largeRtf, openBracesRtf, sampleRtf, textlessRtf } from '../../scripts/fixtures-text.js';

const { upload } = useUploadGateway();

describe('RTF', () => {
  it('reads text, code pages, \\u escapes, tables, footnotes and outline levels; skips destinations and unknown words', async () => {
    const res = await upload('sample.rtf', sampleRtf());
    expect(res.status).toBe(200);
    const doc = res.body.document;
    expect(doc.title).toBe('Café “Report”');
    expect(JSON.parse(doc.metadataJson)).toMatchObject({
      title: 'Café “Report”',
      author: 'José Alvarez',
      subject: 'Fixtures',
      keywords: 'rtf, test',
      created: '2024-03-05T14:07:00',
      modified: '2024-03-06T00:00:00',
      mime_type: 'application/rtf',
      extractor: 'corpusgate/rtf',
    });
    expect(doc.section).toEqual([
      {
        id: 1,
        title: 'Introduction',
        text: [
          'Plain text with bold, an unknown word and a café au lait.',
          'Привет あ', // \fcharset204 (windows-1251) and \fcharset128 (Shift-JIS, two \'hh for one character)
          'Unicode: 中文 βγ € euro 😀 smile', // \uc1 '?' fallbacks, \uc0, \uc2 "XY", a surrogate pair
          'Quotes “nested” group deep text',
          'next line\ttabbed',
          'Link text', // \fldrslt kept, \fldinst's URL not
          'Hidden shown.', // \v text dropped; the footnote goes to its own section
        ].join('\n'),
        metadataJson: '{"heading_level":1}',
        section: [{ id: 2, title: 'Details', text: 'A1\tB1\nA2\tB2\nAfter the table.', metadataJson: '{"heading_level":2}' }], // \s2 is "heading 2" in the stylesheet
      },
      { id: 3, title: 'Footnotes', text: 'A footnote text.', metadataJson: '{"part":"footnotes"}' },
    ]);
    const all = JSON.stringify(doc);
    for (const hidden of ['Times New Roman', 'Hidden Company', 'example.org', 'secret', 'ABCD', '89504e47', 'Normal', 'Hand-written']) expect(all).not.toContain(hidden);
  });

  it('keeps what a truncated RTF holds', async () => {
    const whole = sampleRtf();
    const res = await upload('cut.rtf', whole.subarray(0, whole.indexOf('Quotes')));
    expect(res.status).toBe(200);
    expect(res.body.document.section[0].text).toContain('café au lait');
  });

  it('answers 422 EXTRACTION_RESOURCE_LIMIT for groups nested 100,000 deep, at once', async () => {
    const started = Date.now();
    const res = await upload('deep.rtf', deepRtf());
    expect(res.status).toBe(422);
    expect(res.body.internalCode).toBe('EXTRACTION_RESOURCE_LIMIT');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('answers 422 for 5 MB of "{" in linear time', async () => {
    const started = Date.now();
    const res = await upload('braces.rtf', openBracesRtf());
    expect(res.status).toBe(422);
    expect(res.body.internalCode).toBe('EXTRACTION_RESOURCE_LIMIT');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('reads garbage after an RTF header without failing the worker (no 5xx)', async () => {
    const res = await upload('garbage.rtf', garbageRtf());
    expect([200, 422]).toContain(res.status);
    // The workers are still there for the next file.
    expect((await upload('after.rtf', sampleRtf())).status).toBe(200);
  });

  it('answers 422 NO_TEXT for an RTF without body text', async () => {
    const res = await upload('empty.rtf', textlessRtf());
    expect(res.status).toBe(422);
    expect(res.body.internalCode).toBe('NO_TEXT');
  });

  it('reads a ~1 MB RTF', async () => {
    const res = await upload('large.rtf', largeRtf());
    expect(res.status).toBe(200);
    expect(res.body.document.section.length).toBeGreaterThan(100);
    expect(res.body.document.section[0]).toMatchObject({ title: 'Chapter 1', text: expect.stringContaining('café naïve € résumé') });
  });
});
