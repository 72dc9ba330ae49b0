import { useUploadGateway } from '../helpers/format-upload.js';
import { aliasBombMarkdown, deepQuoteMarkdown, emphasisBombMarkdown, headingTitledMarkdown, largeMarkdown, listFrontMatterMarkdown, sampleMarkdown } from '../../scripts/fixtures-text.js';

const { upload } = useUploadGateway();

describe('Markdown', () => {
  it('turns headings into nested sections, front matter into metadata, and markup into plain text', async () => {
    const res = await upload('guide.md', sampleMarkdown());
    expect(res.status).toBe(200);
    const doc = res.body.document;
    expect(doc.title).toBe('Field Guide');
    expect(JSON.parse(doc.metadataJson)).toMatchObject({ title: 'Field Guide', author: 'Ada', tags: ['birds', 'spring'], version: 2, mime_type: 'text/markdown', extractor: expect.stringMatching(/^marked@\d/) });
    expect(doc.section).toEqual([
      { id: 1, text: 'Lead text before any heading.' },
      {
        id: 2,
        title: 'Getting started',
        text: 'Read the installation notes first, then run it npm start.\nnpm install --save corpusgate # keep this comment',
        metadataJson: '{"heading_level":1}',
        section: [
          {
            id: 3,
            title: 'Options',
            text: 'name\tdefault\nworkers\t2\ntimeout\t60 s\n- first item\n- second item\n1. nested step\n\nA raw HTML note & more',
            metadataJson: '{"heading_level":2}',
          },
          { id: 4, title: 'Setext level two', text: 'Under the setext heading. Fish & chips été.', metadataJson: '{"heading_level":2}' },
        ],
      },
      { id: 5, title: 'Appendix', text: 'The end.', metadataJson: '{"heading_level":1}' },
    ]);
    expect(res.body.warnings).toBeUndefined();
  });

  it('takes the first level-1 heading as the title when there is no front matter (.markdown too)', async () => {
    const res = await upload('notes.markdown', headingTitledMarkdown());
    expect(res.status).toBe(200);
    expect(res.body.document.title).toBe('The Real Title');
    expect(res.body.document.section.map((s: { title?: string }) => s.title ?? '')).toEqual(['', 'The Real Title', 'Second']);
  });

  it('refuses a billion-laughs YAML front matter as metadata (a warning) and keeps the body', async () => {
    const started = Date.now();
    const res = await upload('bomb.md', aliasBombMarkdown());
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(res.body.warnings).toEqual([{ code: 'CONTENT_SKIPPED', message: expect.stringMatching(/front matter was not read: .*alias/i) }]);
    const meta = JSON.parse(res.body.document.metadataJson);
    expect(meta.a).toBeUndefined();
    expect(meta.title).toBe('Still read');
    expect(res.body.document.section[0]).toMatchObject({ title: 'Still read', text: 'The body after the bomb is kept.' });
  });

  it('ignores front matter that is not a mapping, with a warning, and keeps it as text', async () => {
    const res = await upload('list.md', listFrontMatterMarkdown());
    expect(res.status).toBe(200);
    expect(res.body.warnings).toEqual([{ code: 'CONTENT_SKIPPED', message: expect.stringContaining('not a YAML mapping') }]);
    expect(res.body.document.section[0].text).toContain('Body text.');
  });

  it('answers 422 EXTRACTION_RESOURCE_LIMIT for markdown nested too deep for the lexer, not a crash', async () => {
    const res = await upload('deep.md', deepQuoteMarkdown());
    expect(res.status).toBe(422);
    expect(res.body.internalCode).toBe('EXTRACTION_RESOURCE_LIMIT');
  });

  it('reads 800 KB of emphasis markers in one paragraph in seconds (long inline runs are not inline-lexed)', async () => {
    const started = Date.now();
    // 800 KB: minutes for marked's inline pass; the response stays under the OpenAPI check's 1 MB recording cap.
    const res = await upload('emphasis.md', emphasisBombMarkdown(800_000));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(res.body.document.section[0].text).toMatch(/^_a_a_a/);
    expect(res.body.document.section[0].text).toMatch(/\nA short paragraph\.$/);
  }, 30_000);

  it('answers 400 INVALID_TEXT for markdown that is not UTF-8, and 422 NO_TEXT for an empty one', async () => {
    const bad = await upload('latin1.md', Buffer.from('# Caf\xe9\n', 'latin1'));
    expect(bad.status).toBe(400);
    expect(bad.body.internalCode).toBe('INVALID_TEXT');
    const empty = await upload('empty.md', Buffer.from('---\ntitle: x\n---\n\n   \n'));
    expect(empty.status).toBe(422);
    expect(empty.body.internalCode).toBe('NO_TEXT');
  });

  it('reads a ~1 MB markdown file', async () => {
    const res = await upload('large.md', largeMarkdown());
    expect(res.status).toBe(200);
    expect(res.body.document.title).toBe('Large Markdown');
    expect(res.body.document.section.length).toBeGreaterThan(100);
  });
});
