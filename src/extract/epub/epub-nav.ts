import { decodeHtml } from '../html/decode-html.js';
import { oneLine, parseHtml } from '../html/parse-html.js';
import { resolveHref, type EpubPackage } from './epub-package.js';
import { findAll, readXml, textOf } from './epub-xml.js';

/**
 * Chapter titles from the book's table of contents, by content document path: the EPUB 3
 * navigation document's `toc` nav, else the EPUB 2 NCX's navMap. A document listed several
 * times (sub-chapters by fragment) keeps its first entry's title. Unreadable navigation gives
 * no titles, never a failure: chapters are titled by their own headings then.
 */
export function chapterTitles(pkg: EpubPackage, parts: ReadonlyMap<string, Buffer>): Map<string, string> {
  const titles = new Map<string, string>();
  const add = (target: string | null, title: string) => {
    if (target && title && !titles.has(target)) titles.set(target, title);
  };
  const navBytes = pkg.nav && parts.get(pkg.nav.path);
  if (pkg.nav && navBytes) {
    const { document } = parseHtml(decodeHtml(navBytes).text);
    const navs = Array.from(document.querySelectorAll('nav'));
    const toc = navs.find((n) => /\btoc\b/.test(n.getAttribute('epub:type') ?? '')) ?? navs[0];
    for (const a of Array.from(toc?.querySelectorAll('a[href]') ?? [])) add(resolveHref(pkg.nav.path, a.getAttribute('href') ?? undefined), oneLine(a.textContent));
  }
  const ncxBytes = pkg.ncx && parts.get(pkg.ncx.path);
  if (titles.size === 0 && pkg.ncx && ncxBytes) {
    for (const point of findAll(readXml(ncxBytes.toString('utf8')), 'navPoint')) {
      const label = point.children.find((c) => c.name === 'navLabel');
      const content = point.children.find((c) => c.name === 'content');
      add(resolveHref(pkg.ncx.path, content?.attrs['src']), label ? textOf(label) : '');
    }
  }
  return titles;
}
