import { TypeMismatchError, UnsupportedTypeError } from '../errors/index.js';
import { DOCUMENT as DOCX_DOCUMENT, docxKeeps } from './docx/docx-parts.js';
import { CORE_PART } from './docx/office-properties.js';
import type { DraftDocument } from './draft.js';
import type { RawContext } from './parse-options.js';
import { describeZip, SUPPORTED_TYPES } from './sniff.js';
import { inspectZip, type ZipContents } from './zip-guard.js';

/**
 * The ZIP-based formats, told apart by their central directory's names. Each names the parts its
 * extractor reads from zip-guard's inflated copies (`keeps`: cheap, decided before the extractor's
 * module loads) and loads the extractor itself on first use.
 */
interface ZipFormat {
  readonly type: string;
  readonly extension: string;
  readonly mime: string;
  readonly description: string;
  matches(names: ReadonlySet<string>): boolean;
  keeps(name: string, names: ReadonlySet<string>): boolean;
  extract(bytes: Uint8Array, zip: ZipContents, context: RawContext): Promise<DraftDocument>;
}


const ZIP_FORMATS: readonly ZipFormat[] = [
  {
    type: 'docx',
    extension: '.docx',
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    description: 'a Word document (.docx)',
    matches: (names) => names.has(DOCX_DOCUMENT),
    keeps: docxKeeps,
    extract: async (bytes, zip, context) => (await import('./docx/extract-docx.js')).extractDocx(bytes, zip, context.sha256),
  },
  {
    type: 'pptx',
    extension: '.pptx',
    mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    description: 'a PowerPoint presentation (.pptx)',
    matches: (names) => names.has('ppt/presentation.xml'),
    // Slides, notes pages and their relationships; not the masters, layouts and themes (their
    // placeholder prompts are not the presentation's text).
    keeps: (name) => name === CORE_PART || (name.startsWith('ppt/') && !/^ppt\/(slideMasters|slideLayouts|notesMasters|handoutMasters|theme)\//.test(name)),
    extract: async (bytes, zip, context) => (await import('./pptx/extract-pptx.js')).extractPptx(bytes, zip, context),
  },
  {
    type: 'epub',
    extension: '.epub',
    mime: 'application/epub+zip',
    description: 'an EPUB e-book',
    matches: (names) => names.has('META-INF/container.xml') && names.has('mimetype'),
    keeps: () => true,
    extract: async (bytes, zip, context) => (await import('./epub/extract-epub.js')).extractEpub(bytes, zip, context),
  },
  {
    type: 'odt',
    extension: '.odt',
    mime: 'application/vnd.oasis.opendocument.text',
    description: 'an OpenDocument text (.odt)',
    matches: (names) => names.has('content.xml') && names.has('mimetype'),
    keeps: (name) => ['content.xml', 'meta.xml', 'styles.xml', 'mimetype'].includes(name),
    extract: async (bytes, zip, context) => (await import('./odt/extract-odt.js')).extractOdt(bytes, zip, context),
  },
];

/**
 * A ZIP upload: bomb checks (zip-guard) first, then the format its directory shows. A name that
 * promises another ZIP format (a .docx holding a presentation) is TYPE_MISMATCH; a ZIP of none of
 * them is refused naming what it is.
 */
export async function extractZipFile(bytes: Uint8Array, context: RawContext): Promise<{ type: string; draft: DraftDocument }> {
  let format: ZipFormat | undefined;
  const zip = await inspectZip(bytes, (name, names) => {
    format ??= ZIP_FORMATS.find((f) => f.matches(names));
    return format?.keeps(name, names) ?? false;
  });
  format ??= ZIP_FORMATS.find((f) => f.matches(zip.names));
  const promised = ZIP_FORMATS.find((f) => f.extension === context.extension);
  if (promised && promised !== format) {
    const actual = format ?? describeZip(zip.names);
    throw new TypeMismatchError(context.extension, actual.mime, actual.description);
  }
  if (!format) {
    const what = describeZip(zip.names);
    throw new UnsupportedTypeError(`unsupported file type: ${what.description}; supported: ${SUPPORTED_TYPES.join(', ')}`, SUPPORTED_TYPES, what.mime);
  }
  return { type: format.type, draft: await format.extract(bytes, zip, context) };
}
