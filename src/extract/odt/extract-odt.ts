import { ExtractionError, UnsupportedTypeError } from '../../errors/index.js';
import { draftSection, hasText, pruneEmpty, type DraftDocument, type DraftSection } from '../draft.js';
import type { RawContext } from '../parse-options.js';
import { SUPPORTED_TYPES } from '../sniff.js';
import { garbledWarning, normalizeText } from '../text-normalize.js';
import { cleanTitle } from '../title.js';
import { child, parseXmlTree } from '../xml-tree.js';
import type { ZipContents } from '../zip-guard.js';
import { readBlocks, type OdtNotes } from './odt-body.js';
import { readOdtMeta } from './odt-meta.js';
import { Outline } from './outline.js';

const ODT_MIME = 'application/vnd.oasis.opendocument.text';
/** The other OpenDocument kinds, named in the refusal. */
const ODF_KINDS: Readonly<Record<string, string>> = {
  'application/vnd.oasis.opendocument.spreadsheet': 'an OpenDocument spreadsheet (.ods)',
  'application/vnd.oasis.opendocument.presentation': 'an OpenDocument presentation (.odp)',
  'application/vnd.oasis.opendocument.graphics': 'an OpenDocument drawing (.odg)',
  'application/vnd.oasis.opendocument.formula': 'an OpenDocument formula (.odf)',
  'application/vnd.oasis.opendocument.chart': 'an OpenDocument chart (.odc)',
  'application/vnd.oasis.opendocument.text-master': 'an OpenDocument master document (.odm)',
  'application/vnd.oasis.opendocument.text-template': 'an OpenDocument text template (.ott)',
};

/**
 * An OpenDocument text (its ZIP already through zip-guard): content.xml's headings (text:h by
 * outline level) as nested sections, paragraphs, lists and tables (tab-separated rows) as their
 * text, footnotes, endnotes and comments each as one section after the body, like the docx
 * extractor. Title from meta.xml's dc:title, else the first heading. Only a `mimetype` of
 * ODF text is read: a spreadsheet or presentation (same package layout) is refused naming it.
 */
export async function extractOdt(_bytes: Uint8Array, zip: ZipContents, context: RawContext): Promise<DraftDocument> {
  const mime = zip.parts.get('mimetype')?.toString('latin1').trim() ?? '';
  if (mime !== ODT_MIME) {
    const what = ODF_KINDS[mime] ?? `an OpenDocument package of type "${mime.slice(0, 80)}"`;
    throw new UnsupportedTypeError(`unsupported file type: ${what}; only OpenDocument text (.odt) is indexed. Supported: ${SUPPORTED_TYPES.join(', ')}`, SUPPORTED_TYPES, mime || 'application/zip');
  }
  const content = zip.parts.get('content.xml');
  if (!content) throw new ExtractionError('CORRUPT', 'the odt has no content.xml');
  const body = child(child(parseXmlTree(content, 'content.xml'), 'office:body'), 'office:text');
  if (!body) throw new ExtractionError('CORRUPT', 'content.xml has no office:body/office:text');

  const outline = new Outline();
  const notes: OdtNotes = { footnotes: [], endnotes: [], comments: [] };
  readBlocks(body, outline, notes);
  const sections = pruneEmpty([...outline.sections(), ...noteSections(notes)]);
  if (!hasText(sections)) throw new ExtractionError('NO_TEXT', 'the document body is empty: there is no text to index');

  const meta = readOdtMeta(zip.parts.get('meta.xml'));
  const title = cleanTitle(meta.title);
  const garbled = garbledWarning(allTexts(sections));
  return {
    title: title ?? outline.firstHeading ?? '',
    metadata: {
      ...(title ? { title } : {}),
      ...(meta.subject ? { subject: meta.subject } : {}),
      ...(meta.description ? { description: meta.description } : {}),
      ...(meta.keywords ? { keywords: meta.keywords } : {}),
      ...(meta.creator ? { creator: meta.creator } : {}),
      ...(meta.lastModifiedBy ? { lastModifiedBy: meta.lastModifiedBy } : {}),
      ...(meta.created ? { created: meta.created } : {}),
      ...(meta.modified ? { modified: meta.modified } : {}),
      ...(meta.language ? { language: meta.language } : {}),
      mime_type: ODT_MIME,
      sha256: context.sha256,
      extractor: 'corpusgate/odt',
    },
    sections,
    warnings: garbled ? [garbled] : [],
  };
}

function noteSections(notes: OdtNotes): DraftSection[] {
  const sections: DraftSection[] = [];
  const add = (texts: string[], title: string, part: string) => {
    const text = normalizeText(texts.join('\n'));
    if (text) sections.push(draftSection(title, text, { part }));
  };
  add(notes.footnotes, 'Footnotes', 'footnotes');
  add(notes.endnotes, 'Endnotes', 'endnotes');
  add(notes.comments, 'Comments', 'comments');
  return sections;
}

function allTexts(sections: readonly DraftSection[]): string[] {
  return sections.flatMap((s) => [s.text, ...allTexts(s.children)]);
}
