import { zip } from './fixtures.js';

type ZipEntry = Parameters<typeof zip>[0][number];

/**
 * Generated HTML and EPUB fixtures (issue 16): pages that exercise decoding, main-content choice,
 * headings and tables, and the hostile inputs (deep nesting, billion laughs, DRM, broken
 * packages). Nothing here is a committed binary.
 */

const LOREM =
  'The river valley was settled by farmers who grew barley and kept goats on the terraced slopes above the water. ' +
  'Every spring the melting snow raised the river, and the villages moved their boats to higher ground until the flood passed. ';

/** A page with headings h1–h3, a table, a list, a <br> and a script/style that must never be kept. */
export function structuredHtml(): Buffer {
  return Buffer.from(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Generated page</title>
<meta name="description" content="A generated page"><meta name="author" content="Fixture Author"><meta name="keywords" content="a, b">
<style>body { color: red } .secret-style {}</style><script>document.write('secret script text')</script></head>
<body><p>Lead paragraph before any heading.</p>
<h1>First chapter</h1><p>Intro of the first chapter.<br>Second line after a break.</p>
<h2>Details</h2><ul><li>Item one</li><li>Item two</li></ul>
<table><tr><th>Name</th><th>Value</th></tr><tr><td>alpha</td><td><p>1</p></td></tr></table>
<h3>Deeper</h3><p>Deep text.</p><noscript>secret noscript text</noscript><template><p>secret template text</p></template>
<h1>Second chapter</h1><p>Text of the second chapter.</p></body></html>`);
}

/** A page in windows-1256 Arabic whose meta tag claims UTF-8 (as Tika's testArabicMisleadingCharset). */
export function misleadingCharsetHtml(): Buffer {
  const arabic = 'اللغة العربية هي واحدة من أكثر اللغات انتشارا في العالم';
  const head = Buffer.from('<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><title>Misleading</title></head><body><p>', 'latin1');
  const tail = Buffer.from('</p></body></html>', 'latin1');
  return Buffer.concat([head, encode1256(`${arabic}. ${arabic}.`), tail]);
}

/** windows-1256 bytes for Arabic letters and ASCII (the letters this fixture uses). */
function encode1256(text: string): Buffer {
  const decoder = new TextDecoder('windows-1256');
  const table = new Map<string, number>();
  for (let b = 0x80; b <= 0xff; b++) table.set(decoder.decode(Uint8Array.of(b)), b);
  return Buffer.from([...text].map((ch) => (ch.charCodeAt(0) < 0x80 ? ch.charCodeAt(0) : table.get(ch) ?? 0x3f)));
}

/** A UTF-16LE page whose meta says charset=unicode, with a BOM or (bom false) without. */
export function utf16Html(bom = true): Buffer {
  const text = '<html><head><meta http-equiv="content-type" content="text/html; charset=unicode"><title>Sixteen</title></head><body><p>Text in UTF-16 with ünïcödé.</p></body></html>';
  return Buffer.concat([Buffer.from(bom ? [0xff, 0xfe] : []), Buffer.from(text, 'utf16le')]);
}

/** A long article between a big navigation bar, a sidebar and a footer: Readability keeps the article. */
export function boilerplateHtml(): Buffer {
  const nav = Array.from({ length: 40 }, (_, i) => `<li><a href="/s${i}">Menu entry ${i}</a></li>`).join('');
  const article = Array.from({ length: 8 }, () => `<p>${LOREM}</p>`).join('\n');
  return Buffer.from(`<html><head><title>News page</title></head><body>
<header><nav class="menu"><ul>${nav}</ul></nav></header>
<div id="main"><article><h1>News page</h1>${article}<p>The closing sentence of the article.</p></article></div>
<aside class="sidebar"><a href="/x">Sidebar link one</a> <a href="/y">Sidebar link two</a></aside>
<footer class="footer">Footer copyright notice 2026</footer></body></html>`);
}

/** `depth` nested <div>s around one line of text. */
export function deepHtml(depth = 100_000): Buffer {
  return Buffer.from(`<html><body>${'<div>'.repeat(depth)}Deep nested text${'</div>'.repeat(depth)}<p>After the deep part.</p></body></html>`);
}

/**
 * 100,000 <div>s behind a quote that opens no quoted value (a quote does only after '='): a depth
 * scan that took it for one would not see them, and the parser would nest them all.
 */
export function quoteHiddenDeepHtml(depth = 100_000): Buffer {
  return Buffer.from(`<html><body><x "> ${'<div>'.repeat(depth)}Hidden deep text"> after</body></html>`);
}

/** Markup that makes a backtracking tag scanner quadratic: `<a "` again and again, no '>'. */
export function unclosedTagsHtml(count = 2_000_000): Buffer {
  return Buffer.from(`<html><body><p>Visible text.</p>${'<a "'.repeat(count)}`);
}

/** `count` empty inline elements (7 bytes each): more than a worker's heap could hold parsed. */
export function manyElementsHtml(count = 1_200_000): Buffer {
  return Buffer.from(`<html><body><p>Some text.</p>${'<i></i>'.repeat(count)}</body></html>`);
}

/** An XHTML page whose DOCTYPE declares a billion-laughs entity chain, used in the body. */
export function billionLaughsXhtml(): Buffer {
  const levels = ['<!ENTITY lol "lol">'];
  for (let i = 1; i <= 9; i++) levels.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
  return Buffer.from(`<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html [
 ${levels.join('\n ')}
]>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Laughs</title></head><body><p>Before &lol9; after.</p></body></html>`);
}

/** A realistic page of about `bytes` bytes (navigation, sections, tables, paragraphs), for the bench. */
export function largeHtml(bytes = 1024 * 1024): Buffer {
  const parts: string[] = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Large generated page</title></head><body>'];
  parts.push(`<nav>${Array.from({ length: 30 }, (_, i) => `<a href="/p${i}">Link ${i}</a>`).join(' ')}</nav><main>`);
  let size = parts.join('').length;
  for (let i = 1; size < bytes; i++) {
    const chunk =
      `<h2>Section ${i}</h2>` +
      `<p>${LOREM}${LOREM}</p><p><strong>Note ${i}:</strong> ${LOREM}</p>` +
      (i % 5 === 0 ? `<h3>Figures ${i}</h3><table><tr><th>Year</th><th>Yield</th></tr><tr><td>${2000 + i}</td><td>${i * 3}</td></tr></table>` : '') +
      (i % 7 === 0 ? `<ul><li>First point ${i}</li><li>Second point ${i}</li></ul>` : '');
    parts.push(chunk);
    size += chunk.length;
  }
  parts.push('</main><footer>Footer text</footer></body></html>');
  return Buffer.from(parts.join(''));
}

// ---------------------------------------------------------------- EPUB

export interface EpubChapter {
  /** As the OPF names it (percent-encoded); the ZIP entry is its decoded form. */
  readonly href: string;
  readonly html: string;
  /** Its title in the navigation document (toc.ncx). */
  readonly navTitle?: string;
}

export interface EpubOptions {
  readonly title?: string;
  readonly creator?: string;
  /** Extra entries (META-INF/encryption.xml, fonts…). */
  readonly extra?: readonly ZipEntry[];
  /** Replaces the OPF (e.g. a hostile one); null leaves it out. */
  readonly opf?: string | null;
  /** Replaces META-INF/container.xml. */
  readonly container?: string;
  /** EPUB 3: chapter titles in a navigation document (nav.xhtml) instead of an NCX. */
  readonly epub3?: boolean;
  /** Spine entries whose documents are not in the ZIP. */
  readonly missing?: readonly string[];
}

export function chapterXhtml(title: string, body: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en"><head><title>${title}</title><style>p { margin: 0 }</style></head><body>${body}</body></html>`;
}

/** An EPUB 2 book: mimetype (stored, first), container, OPF with Dublin Core metadata and spine, NCX, chapters. */
export function epub(chapters: readonly EpubChapter[], options: EpubOptions = {}): Buffer {
  // The manifest lists the chapters in reverse: the extractor must follow the spine.
  const items = chapters.map((c, i) => `<item id="c${i}" href="${c.href}" media-type="application/xhtml+xml"/>`).reverse().join('\n    ');
  const spine = chapters.map((_, i) => `<itemref idref="c${i}"/>`).join('\n    ');
  const opf = `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" unique-identifier="id" version="2.0">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:title>${options.title ?? 'Generated Book'}</dc:title><dc:creator>${options.creator ?? 'Ada Author'}</dc:creator>
    <dc:language>en</dc:language><dc:date>2026-11-30</dc:date><dc:identifier id="id">urn:uuid:1</dc:identifier>
  </metadata>
  <manifest>
    <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
    ${options.epub3 ? '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>' : ''}
    ${items}
    ${(options.missing ?? []).map((href, i) => `<item id="m${i}" href="${href}" media-type="application/xhtml+xml"/>`).join('')}
  </manifest>
  <spine toc="ncx">
    ${spine}
    ${(options.missing ?? []).map((_, i) => `<itemref idref="m${i}"/>`).join('')}
  </spine>
</package>`;
  const points = chapters
    .map((c, i) => (c.navTitle ? `<navPoint id="n${i}" playOrder="${i + 1}"><navLabel><text>${c.navTitle}</text></navLabel><content src="${c.href}"/></navPoint>` : ''))
    .join('');
  const ncx = `<?xml version="1.0" encoding="UTF-8"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>${points}</navMap></ncx>`;
  const container =
    options.container ??
    `<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>`;
  const entries: ZipEntry[] = [
    { name: 'mimetype', data: Buffer.from('application/epub+zip'), store: true },
    { name: 'META-INF/container.xml', data: Buffer.from(container) },
    ...(options.opf === null ? [] : [{ name: 'OEBPS/content.opf', data: Buffer.from(options.opf ?? opf) }]),
    { name: 'OEBPS/toc.ncx', data: Buffer.from(options.epub3 ? '<ncx/>' : ncx) },
    ...(options.epub3 ? [{ name: 'OEBPS/nav.xhtml', data: Buffer.from(navXhtml(chapters)) }] : []),
    ...chapters.map((c) => ({ name: `OEBPS/${decodeURIComponent(c.href)}`, data: Buffer.from(c.html) })),
    ...(options.extra ?? []),
  ];
  return zip(entries);
}

function navXhtml(chapters: readonly EpubChapter[]): string {
  const links = chapters.map((c) => (c.navTitle ? `<li><a href="${c.href}">${c.navTitle}</a></li>` : '')).join('');
  return `<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>Nav</title></head><body><nav epub:type="landmarks"><ol><li><a href="text/two%20b.xhtml">Landmark title</a></li></ol></nav><nav epub:type="toc"><ol>${links}</ol></nav></body></html>`;
}

/** A two-chapter book: chapter one with an h1 and h2, chapter two without a heading (titled by the NCX). */
export function simpleEpub(options: EpubOptions = {}): Buffer {
  return epub(
    [
      { href: 'text/one.xhtml', navTitle: 'Nav One', html: chapterXhtml('One', '<h1>Chapter One</h1><p>Text of chapter one.</p><h2>Part A</h2><p>Text of part A.</p>') },
      { href: 'text/two%20b.xhtml', navTitle: 'The Second Chapter', html: chapterXhtml('Two', '<p>Chapter two has no heading.</p><table><tr><td>c1</td><td>c2</td></tr></table>') },
    ],
    options,
  );
}

/** META-INF/encryption.xml naming a chapter (Adobe ADEPT-style DRM). */
export function drmEpub(): Buffer {
  const encryption = `<?xml version="1.0"?><encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
<enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><enc:CipherData><enc:CipherReference URI="OEBPS/text/one.xhtml"/></enc:CipherData></enc:EncryptedData></encryption>`;
  return simpleEpub({ extra: [{ name: 'META-INF/encryption.xml', data: Buffer.from(encryption) }] });
}

/** encryption.xml naming only an obfuscated font (IDPF font obfuscation): not DRM, the book is read. */
export function fontObfuscatedEpub(): Buffer {
  const encryption = `<?xml version="1.0"?><encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
<enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/><enc:CipherData><enc:CipherReference URI="OEBPS/fonts/font.otf"/></enc:CipherData></enc:EncryptedData></encryption>`;
  return simpleEpub({ extra: [{ name: 'META-INF/encryption.xml', data: Buffer.from(encryption) }, { name: 'OEBPS/fonts/font.otf', data: Buffer.from('not really a font') }] });
}

/** An OPF whose DOCTYPE declares a billion-laughs entity chain, used in dc:title. */
export function billionLaughsEpub(): Buffer {
  const levels = ['<!ENTITY lol "lol">'];
  for (let i = 1; i <= 9; i++) levels.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
  const opf = `<?xml version="1.0"?><!DOCTYPE package [${levels.join('')}]><package xmlns="http://www.idpf.org/2007/opf" version="2.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&lol9;</dc:title></metadata><manifest><item id="c0" href="text/one.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="c0"/></spine></package>`;
  return simpleEpub({ opf });
}

/** An OPF whose DOCTYPE declares an external entity (file:///etc/passwd), used in dc:title. */
export function externalEntityEpub(): Buffer {
  const opf = `<?xml version="1.0"?><!DOCTYPE package [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><package xmlns="http://www.idpf.org/2007/opf" version="2.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Title &xxe; end</dc:title></metadata><manifest><item id="c0" href="text/one.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="c0"/></spine></package>`;
  return simpleEpub({ opf });
}

/** A book of about `bytes` bytes of chapters, for the bench. */
export function largeEpub(bytes = 1024 * 1024): Buffer {
  const chapters: EpubChapter[] = [];
  let size = 0;
  for (let i = 1; size < bytes; i++) {
    const body = `<h1>Chapter ${i}</h1>` + Array.from({ length: 20 }, (_, j) => `${j % 6 === 0 ? `<h2>Scene ${i}.${j}</h2>` : ''}<p>${LOREM}</p>`).join('');
    const html = chapterXhtml(`Chapter ${i}`, body);
    chapters.push({ href: `text/ch${i}.xhtml`, navTitle: `Chapter ${i}`, html });
    size += html.length;
  }
  return epub(chapters, { title: 'Large generated book' });
}

/** A book whose chapter inflates 10 MiB of zeros at ~1000:1: zip-guard's ratio check refuses it. */
export function bombEpub(): Buffer {
  const zeros = Buffer.alloc(10 * 1024 * 1024, 0x20);
  const html = Buffer.concat([Buffer.from(chapterXhtml('Bomb', '<p>')), zeros, Buffer.from('</p>')]);
  return epub([{ href: 'text/bomb.xhtml', html: html.toString('latin1') }]);
}

/** A book whose XHTML chapter nests `depth` elements: zip-guard's XML depth cap refuses it. */
export function deepEpub(depth = 5_000): Buffer {
  return epub([{ href: 'text/deep.xhtml', html: chapterXhtml('Deep', `${'<div>'.repeat(depth)}deep${'</div>'.repeat(depth)}`) }]);
}
