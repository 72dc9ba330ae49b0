import { createHash } from 'node:crypto';
import { CORPUS, CUSTOMER } from '../helpers/gateway.js';
import { type Section, allText, useUploadGateway } from '../helpers/format-upload.js';
import { billionLaughsXhtml, boilerplateHtml, deepHtml, largeHtml, manyElementsHtml, misleadingCharsetHtml, quoteHiddenDeepHtml, unclosedTagsHtml, structuredHtml, utf16Html } from '../../scripts/fixtures-html.js';

/** HTML pages through the real upload route and real extraction workers (issue 16). */
const { gw, upload } = useUploadGateway();


describe('HTML extraction', () => {
  it('nests sections by h1–h6, keeps tables as tab-separated rows and lists as lines, drops scripts and styles', async () => {
    const page = structuredHtml();
    const res = await upload('structured.html', page);
    expect(res.status).toBe(200);
    const doc = res.body.document;
    expect(doc.title).toBe('Generated page');
    expect(doc.section.map((s: Section) => s.title ?? '')).toEqual(['', 'First chapter', 'Second chapter']);
    const first = doc.section[1] as Section;
    expect(first.text).toBe('Intro of the first chapter.\nSecond line after a break.');
    expect(JSON.parse(first.metadataJson!)).toEqual({ heading_level: 1 });
    const details = first.section![0]!;
    expect(details.title).toBe('Details');
    expect(details.text).toBe('Item one\nItem two\nName\tValue\nalpha\t1');
    expect(details.section![0]).toMatchObject({ title: 'Deeper', text: 'Deep text.', metadataJson: '{"heading_level":3}' });
    expect(allText(doc.section)).not.toMatch(/secret|color: red/);
    const meta = JSON.parse(doc.metadataJson);
    expect(meta).toMatchObject({
      title: 'Generated page',
      description: 'A generated page',
      author: 'Fixture Author',
      keywords: 'a, b',
      lang: 'en',
      charset: 'utf-8',
      mime_type: 'text/html',
      extractor: expect.stringMatching(/^linkedom@\d/),
      main_content: 'body',
    });
    expect(meta.sha256).toBe(createHash('sha256').update(page).digest('hex'));
  });

  it('recognises a page without a known extension by its content, and reads .lxml as HTML', async () => {
    const res = await upload('page-without-extension', structuredHtml());
    expect(res.status).toBe(200);
    expect(res.body.document.title).toBe('Generated page');
    const lxml = await upload('page.lxml', Buffer.from('<p>An lxml-written page.</p>'));
    expect(lxml.status).toBe(200);
    expect(lxml.body.document.section[0].text).toBe('An lxml-written page.');
  });

  it('overrides a declared UTF-8 the bytes contradict (windows-1256 Arabic) by detection', async () => {
    const res = await upload('misleading.html', misleadingCharsetHtml());
    expect(res.status).toBe(200);
    expect(allText(res.body.document.section)).toContain('اللغة العربية هي واحدة من أكثر اللغات');
    expect(JSON.parse(res.body.document.metadataJson).charset).toBe('windows-1256');
  });

  it('keeps a legacy declaration the bytes agree with, and prefers UTF-8 bytes over a legacy declaration', async () => {
    const latin = Buffer.concat([Buffer.from('<html><head><meta charset="ISO-8859-1"></head><body><p>Un caf'), Buffer.from([0xe9]), Buffer.from(' cr\xe8me br\xfbl\xe9e.</p></body></html>', 'latin1')]);
    const asDeclared = await upload('latin1.html', latin);
    expect(asDeclared.status).toBe(200);
    expect(asDeclared.body.document.section[0].text).toBe('Un café crème brûlée.');
    expect(JSON.parse(asDeclared.body.document.metadataJson).charset).toBe('windows-1252');
    const utf8 = Buffer.from('<html><head><meta charset="windows-1252"></head><body><p>Un café crème brûlée.</p></body></html>', 'utf8');
    const overridden = await upload('utf8-declared-1252.html', utf8);
    expect(overridden.body.document.section[0].text).toBe('Un café crème brûlée.');
    expect(JSON.parse(overridden.body.document.metadataJson).charset).toBe('utf-8');
  });

  it("reads windows-1252's 0x80–0x9F as the code page's quotes and dashes (Node 20's TextDecoder gives C1 controls)", async () => {
    // “Smart” quotes – and the euro: 0x93 0x94 0x96 0x80 in windows-1252, declared as ISO-8859-1 as many old pages do.
    const page = Buffer.concat([Buffer.from('<html><head><meta charset="iso-8859-1"></head><body><p>'), Buffer.from([0x93]), Buffer.from('Smart'), Buffer.from([0x94]), Buffer.from(' quotes '), Buffer.from([0x96]), Buffer.from(' 5 '), Buffer.from([0x80]), Buffer.from('.</p></body></html>')]);
    const res = await upload('cp1252.html', page);
    expect(res.status).toBe(200);
    expect(res.body.document.section[0].text).toBe('\u201cSmart\u201d quotes \u2013 5 \u20ac.');
  });

  it('decodes by the byte-order mark before a "charset=unicode" declaration (UTF-16LE)', async () => {
    const res = await upload('utf16.htm', utf16Html());
    expect(res.status).toBe(200);
    expect(allText(res.body.document.section)).toContain('Text in UTF-16 with ünïcödé.');
    expect(JSON.parse(res.body.document.metadataJson).charset).toBe('utf-16le');
  });

  it('recognises UTF-16LE without a byte-order mark by its zero bytes', async () => {
    const res = await upload('utf16-no-bom.html', utf16Html(false));
    expect(res.status).toBe(200);
    expect(res.body.document.title).toBe('Sixteen');
    expect(allText(res.body.document.section)).toContain('Text in UTF-16 with ünïcödé.');
  });

  it('keeps the text of pages without <html> or <body> tags (a fragment; text straight after </head>)', async () => {
    const fragment = await upload('fragment.htm', Buffer.from('<p>First fragment paragraph.</p><p>Second one'));
    expect(fragment.status).toBe(200);
    expect(fragment.body.document.section[0].text).toBe('First fragment paragraph.\nSecond one');
    const noBody = await upload('no-body.html', Buffer.from('<html><head><title>No body tag</title></head>Text after the head.<p>And a paragraph.</p></html>'));
    expect(noBody.status).toBe(200);
    expect(noBody.body.document.title).toBe('No body tag');
    expect(noBody.body.document.section[0].text).toBe('Text after the head.\nAnd a paragraph.');
  });

  it('keeps the article of a long page and drops its navigation, sidebar and footer (Readability)', async () => {
    const res = await upload('news.html', boilerplateHtml());
    expect(res.status).toBe(200);
    const text = allText(res.body.document.section);
    expect(text).toContain('The closing sentence of the article.');
    expect(text).not.toMatch(/Menu entry|Sidebar link|Footer copyright/);
    expect(JSON.parse(res.body.document.metadataJson).main_content).toMatch(/^readability@/);
  });

  it('keeps a short page whole: its few words of navigation are not worth losing a paragraph', async () => {
    const page = Buffer.from('<html><body><nav><a href="/">Home</a></nav><p>One short paragraph.</p><footer>Small footer</footer></body></html>');
    const res = await upload('short.html', page);
    expect(res.status).toBe(200);
    expect(res.body.document.section[0].text).toBe('Home\nOne short paragraph.\nSmall footer');
  });

  it('takes the first h1 as title when there is no <title>', async () => {
    const res = await upload('no-title.html', Buffer.from('<html><body><h2>Sub</h2><p>x</p><h1>Real Title</h1><p>Body.</p></body></html>'));
    expect(res.status).toBe(200);
    expect(res.body.document.title).toBe('Real Title');
  });

  it('flattens 100,000 nested <div>s quickly, keeping their text, with a warning', async () => {
    const started = Date.now();
    const res = await upload('deep.html', deepHtml(100_000));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(allText(res.body.document.section)).toContain('Deep nested text\nAfter the deep part.');
    expect(res.body.warnings).toEqual([{ code: 'CONTENT_SKIPPED', message: expect.stringContaining('nested deeper than 1000 levels') }]);
  });

  it('sees nesting behind a quote that opens no attribute value (as the parser reads it) and flattens it', async () => {
    const started = Date.now();
    const res = await upload('quote-hidden.html', quoteHiddenDeepHtml(100_000));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(allText(res.body.document.section)).toContain('Hidden deep text');
    expect(res.body.warnings).toEqual([expect.objectContaining({ code: 'CONTENT_SKIPPED' })]);
  });

  it('scans 8 MB of unclosed tags in one pass (no quadratic rescanning)', async () => {
    const started = Date.now();
    const res = await upload('unclosed.html', unclosedTagsHtml(2_000_000));
    expect(res.status).toBe(200);
    expect(res.body.document.section[0].text).toBe('Visible text.');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses a page of more elements than the worker heap holds parsed (EXTRACTION_RESOURCE_LIMIT), before parsing it', async () => {
    const started = Date.now();
    const res = await upload('many-elements.html', manyElementsHtml(1_200_000));
    expect({ status: res.status, code: res.body.internalCode }).toEqual({ status: 422, code: 'EXTRACTION_RESOURCE_LIMIT' });
    expect(res.body.details ?? res.body.message ?? JSON.stringify(res.body)).toMatch(/1200003 elements/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('never expands DTD entities of an XHTML page (billion laughs): the reference stays literal', async () => {
    const res = await upload('laughs.xhtml', billionLaughsXhtml());
    expect(res.status).toBe(200);
    const text = allText(res.body.document.section);
    expect(text).toContain('Before &lol9; after.');
    expect(text).not.toContain('lollol');
  });

  it('refuses a page with no text as NO_TEXT (422), not a 500', async () => {
    const res = await upload('empty.html', Buffer.from('<html><head><title>Only a title</title><script>x()</script></head><body>  </body></html>'));
    expect(res.status).toBe(422);
    expect(res.body.internalCode).toBe('NO_TEXT');
  });

  it('reads binary garbage named .html as text, never a 500', async () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const res = await upload('garbage.html', garbage);
    expect(res.status).toBeLessThan(500);
  });

  it('extracts a ~1 MB page within the worker caps', async () => {
    // Without d=true: the response log the OpenAPI check reads does not hold a megabyte-sized body.
    const res = await upload('large.html', largeHtml(1024 * 1024), false);
    expect(res.status).toBe(200);
    const stored = await gw.store.findDocument({ customerId: CUSTOMER, corpusId: CORPUS, documentId: 'large.html' });
    expect(stored).not.toBeNull();
  });
});
