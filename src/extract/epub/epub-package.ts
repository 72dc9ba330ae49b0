import path from 'node:path';
import { ExtractionError } from '../../errors/index.js';
import { findAll, readXml, textOf, type XmlNode } from './epub-xml.js';

export const CONTAINER = 'META-INF/container.xml';
const PACKAGE_MEDIA_TYPE = 'application/oebps-package+xml';

/** A manifest item, its href resolved to a ZIP entry name. */
export interface ManifestItem {
  readonly id: string;
  readonly path: string;
  readonly mediaType: string;
  readonly properties: readonly string[];
}

export interface EpubPackage {
  /** Dublin Core metadata: title, creator(s), language, date, and a few more when present. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly manifest: ReadonlyMap<string, ManifestItem>;
  /** Content documents in reading (spine) order. */
  readonly spine: readonly ManifestItem[];
  /** The EPUB 2 NCX named by the spine's `toc`, and the EPUB 3 navigation document. */
  readonly ncx: ManifestItem | null;
  readonly nav: ManifestItem | null;
}

/** The OPF's path, from META-INF/container.xml (its first package rootfile). */
export function packagePath(containerXml: Buffer | undefined): string {
  if (!containerXml) throw new ExtractionError('CORRUPT', `the EPUB has no readable ${CONTAINER}`);
  const rootfiles = findAll(readXml(containerXml.toString('utf8')), 'rootfile');
  const rootfile = rootfiles.find((r) => r.attrs['media-type'] === PACKAGE_MEDIA_TYPE) ?? rootfiles[0];
  const fullPath = rootfile?.attrs['full-path']?.trim();
  if (!fullPath) throw new ExtractionError('CORRUPT', `the EPUB's ${CONTAINER} names no package (OPF) file`);
  return fullPath;
}

/** The OPF: metadata, manifest and spine (hrefs resolved against the OPF's folder). */
export function readPackage(opfXml: string, opfPath: string): EpubPackage {
  const root = readXml(opfXml);
  const manifest = new Map<string, ManifestItem>();
  for (const item of findAll(root, 'item')) {
    const id = item.attrs['id'];
    const resolved = resolveHref(opfPath, item.attrs['href']);
    if (!id || resolved === null || manifest.has(id)) continue;
    manifest.set(id, { id, path: resolved, mediaType: (item.attrs['media-type'] ?? '').trim().toLowerCase(), properties: (item.attrs['properties'] ?? '').split(/\s+/) });
  }
  const spineNode = findAll(root, 'spine')[0];
  const spine = spineNode
    ? findAll(spineNode, 'itemref')
        .map((ref) => manifest.get(ref.attrs['idref'] ?? ''))
        .filter((item): item is ManifestItem => item !== undefined)
    : [];
  const ncx = manifest.get(spineNode?.attrs['toc'] ?? '') ?? [...manifest.values()].find((i) => i.mediaType === 'application/x-dtbncx+xml') ?? null;
  const nav = [...manifest.values()].find((i) => i.properties.includes('nav')) ?? null;
  return { metadata: dublinCore(root), manifest, spine, ncx, nav };
}

const DC_KEYS: Readonly<Record<string, string>> = {
  title: 'title',
  creator: 'creator',
  language: 'language',
  date: 'date',
  publisher: 'publisher',
  description: 'description',
  subject: 'subject',
};

/** dc:* elements of <metadata>; several creators (or subjects) are joined with "; ". */
function dublinCore(root: XmlNode): Record<string, string> {
  const metadata = findAll(root, 'metadata')[0];
  const out: Record<string, string> = {};
  for (const node of metadata?.children ?? []) {
    const key = DC_KEYS[node.name];
    const value = textOf(node);
    if (!key || value === '') continue;
    if (key === 'title' && out[key]) continue; // the first title is the book's; later ones are subtitles, collections
    out[key] = out[key] ? `${out[key]}; ${value}` : value;
  }
  return out;
}

/**
 * An href relative to the file that holds it, as a ZIP entry name: fragment dropped,
 * percent-decoded, normalised; null when it leaves the container or is a URL.
 */
export function resolveHref(fromFile: string, href: string | undefined): string | null {
  if (!href || /^[a-z][a-z0-9+.-]*:/i.test(href)) return null;
  let decoded = href.split('#')[0]!;
  try {
    decoded = decodeURIComponent(decoded);
  } catch {
    // a stray '%': the name as written
  }
  if (decoded === '') return null;
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), decoded));
  return joined.startsWith('../') || joined === '..' ? null : joined.replace(/^\/+/, '');
}
