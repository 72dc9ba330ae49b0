import { ExtractionError } from '../../errors/index.js';
import { draftSection, hasText, pruneEmpty, type DraftDocument, type DraftSection } from '../draft.js';
import { decodeHtml } from '../html/decode-html.js';
import { allTexts, flattenedWarning, LINKEDOM_VERSION } from '../html/extract-html.js';
import { sectionsFromHtml } from '../html/html-sections.js';
import { parseHtml } from '../html/parse-html.js';
import type { RawContext } from '../parse-options.js';
import { garbledWarning, type ExtractionWarning } from '../text-normalize.js';
import { cleanTitle } from '../title.js';
import type { ZipContents } from '../zip-guard.js';
import { refuseEncryptedContent } from './epub-encryption.js';
import { chapterTitles } from './epub-nav.js';
import { CONTAINER, packagePath, readPackage, type ManifestItem } from './epub-package.js';

/** Spine items that are text: XHTML (EPUB 2 and 3) and, in older books, HTML. */
const CONTENT_TYPES = new Set(['application/xhtml+xml', 'text/html', 'application/xml', 'text/xml']);

/**
 * An EPUB (its ZIP already through zip-guard): container.xml → the OPF → its Dublin Core metadata
 * and spine; each spine document in reading order through the HTML extractor's parser and section
 * builder (no main-content pass: a chapter is all content), as one section per chapter.
 */
export async function extractEpub(_bytes: Uint8Array, zip: ZipContents, context: RawContext): Promise<DraftDocument> {
  const opfPath = packagePath(zip.parts.get(CONTAINER));
  const opf = zip.parts.get(opfPath);
  if (!opf) throw new ExtractionError('CORRUPT', `the EPUB's package file ${opfPath} (named by ${CONTAINER}) is missing`);
  const pkg = readPackage(decodeHtml(opf).text, opfPath);
  const documents = unique(pkg.spine.filter((item) => CONTENT_TYPES.has(item.mediaType)));
  if (documents.length === 0) throw new ExtractionError('CORRUPT', `the EPUB's package ${opfPath} lists no (X)HTML document in its spine`);
  refuseEncryptedContent(zip.parts, new Set(documents.map((d) => d.path)));
  const titles = chapterTitles(pkg, zip.parts);

  const chapters: DraftSection[] = [];
  let firstHeading: string | null = null;
  let flattened = 0;
  let missing = 0;
  documents.forEach((item, i) => {
    const bytes = zip.parts.get(item.path);
    if (!bytes) return void missing++;
    const parsed = parseHtml(decodeHtml(bytes).text);
    flattened += parsed.flattened;
    const root = parsed.document.body ?? parsed.document.documentElement;
    if (!root) return;
    const built = sectionsFromHtml(root);
    firstHeading ??= built.firstHeading;
    const chapter = chapterSection(pruneEmpty(built.sections), titles.get(item.path) ?? built.firstHeading, { chapter: i + 1, href: item.path });
    if (chapter) chapters.push(chapter);
  });
  const sections = pruneEmpty(chapters);
  if (!hasText(sections)) throw new ExtractionError('NO_TEXT', 'the EPUB has no text to index');

  const warnings: ExtractionWarning[] = [];
  if (missing > 0) warnings.push({ code: 'CONTENT_SKIPPED', message: `${missing} spine document(s) named by the package are missing from the EPUB` });
  if (flattened > 0) warnings.push(flattenedWarning(flattened));
  const garbled = garbledWarning(allTexts(sections));
  if (garbled) warnings.push(garbled);
  const { title, ...rest } = pkg.metadata;
  return {
    title: cleanTitle(title) ?? firstHeading ?? '',
    metadata: {
      ...(cleanTitle(title) ? { title: cleanTitle(title) } : {}),
      ...rest,
      chapters: documents.length,
      mime_type: 'application/epub+zip',
      sha256: context.sha256,
      extractor: `linkedom@${LINKEDOM_VERSION}`,
    },
    sections,
    warnings,
  };
}

/**
 * A chapter as one section: a chapter that is one heading's section (its sub-headings nested
 * inside) is that section; otherwise a section titled by the table of contents' entry (else the
 * chapter's first heading) holds the text before its first heading and its headings' sections.
 */
function chapterSection(top: DraftSection[], title: string | null, metadata: Record<string, unknown>): DraftSection | null {
  if (top.length === 0) return null;
  if (top.length === 1 && top[0]!.title !== '') return { ...top[0]!, metadata: { ...top[0]!.metadata, ...metadata } };
  const lead = top[0]!.title === '' ? top[0]! : null;
  const chapter = draftSection(title ?? '', lead?.text ?? '', metadata);
  chapter.children = lead ? [...lead.children, ...top.slice(1)] : top;
  return chapter;
}

function unique(items: readonly ManifestItem[]): ManifestItem[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.path) && seen.add(item.path));
}
