import { createRequire } from 'node:module';
import WordExtractor from 'word-extractor';
import { ExtractionError, UnsupportedTypeError } from '../../errors/index.js';
import { draftSection, hasText, pruneEmpty, type DraftDocument, type DraftSection } from '../draft.js';
import type { RawContext } from '../parse-options.js';
import { asBuffer, SUPPORTED_TYPES } from '../sniff.js';
import { garbledWarning, normalizeText } from '../text-normalize.js';
import { cleanTitle } from '../title.js';
import { readFib, readSummaryInformation } from './doc-properties.js';
import { openOle2 } from './ole2-reader.js';

const WORD_EXTRACTOR_VERSION = (createRequire(import.meta.url)('word-extractor/package.json') as { version: string }).version;
const MIME = 'application/msword';
/** nFib below this is Word 6.0/95 (0x0065–0x0068), whose format word-extractor does not read. */
const WORD_97_NFIB = 0x00c0;
/** Keep the characters as written: word-extractor's default folds curly quotes and dashes to ASCII. */
const RAW = { filterUnicode: false } as const;

/**
 * A Word 97-2003 document (OLE2). The container is checked first (ole2-reader.ts: chains that
 * loop or leave the file are CORRUPT before word-extractor follows them); the FIB's fEncrypted
 * flag makes an RC4/XOR password-protected file ENCRYPTED (its text is ciphertext); Word 6.0/95 is
 * refused by name. Then word-extractor reads the text.
 *
 * Sections: word-extractor gives each story's text, not paragraph styles, so a .doc has no heading
 * structure here. The body is one untitled section, its paragraphs as lines (table cells
 * tab-separated as word-extractor writes them) — rather than a section per paragraph, which would
 * claim a structure the file does not show. Headers, footers, footnotes, endnotes, comments and
 * text boxes follow, each as one titled section (as the docx extractor does for its notes).
 * Title: SummaryInformation's, else none (a first line is not reliably a title without styles).
 */
export async function extractDoc(bytes: Uint8Array, context: RawContext): Promise<DraftDocument> {
  const buffer = asBuffer(bytes);
  const ole = openOle2(buffer);
  const fib = readFib(ole.stream('WordDocument') ?? Buffer.alloc(0));
  if (!fib) throw new ExtractionError('CORRUPT', 'the file has no readable WordDocument stream (Word FIB)');
  if (fib.encrypted) throw new ExtractionError('ENCRYPTED', 'the Word 97-2003 document is password-protected (FIB fEncrypted); upload it without a password');
  if (fib.version < WORD_97_NFIB) {
    throw new UnsupportedTypeError(`unsupported file type: a Word 6.0/95 document (nFib 0x${fib.version.toString(16)}); save it as .docx. Supported: ${SUPPORTED_TYPES.join(', ')}`, SUPPORTED_TYPES, MIME);
  }
  let doc: WordExtractor.Document;
  try {
    doc = await new WordExtractor().extract(buffer);
  } catch (err) {
    throw new ExtractionError('CORRUPT', `the .doc cannot be read: ${String((err as Error)?.message ?? err).slice(0, 200)}`);
  }
  const sections = pruneEmpty(storySections(doc));
  if (!hasText(sections)) throw new ExtractionError('NO_TEXT', 'the document body is empty: there is no text to index');

  const info = readSummaryInformation(ole);
  const title = cleanTitle(info.title);
  const garbled = garbledWarning(sections.map((s) => s.text));
  return {
    title: title ?? '',
    metadata: {
      ...(title ? { title } : {}),
      ...(info.subject ? { subject: info.subject } : {}),
      ...(info.keywords ? { keywords: info.keywords } : {}),
      ...(info.author ? { creator: info.author } : {}),
      ...(info.lastAuthor ? { lastModifiedBy: info.lastAuthor } : {}),
      ...(info.created ? { created: info.created } : {}),
      ...(info.modified ? { modified: info.modified } : {}),
      mime_type: MIME,
      sha256: context.sha256,
      extractor: `word-extractor@${WORD_EXTRACTOR_VERSION}`,
    },
    sections,
    warnings: garbled ? [garbled] : [],
  };
}

/**
 * word-extractor's Document as it is (lib/document.js): every accessor takes { filterUnicode }, which
 * @types/word-extractor leaves out for most of them.
 */
interface Stories {
  getBody(o: typeof RAW): string;
  getHeaders(o: typeof RAW & { includeFooters: boolean }): string;
  getFooters(o: typeof RAW): string;
  getFootnotes(o: typeof RAW): string;
  getEndnotes(o: typeof RAW): string;
  getAnnotations(o: typeof RAW): string;
  getTextboxes(o: typeof RAW & { includeHeadersAndFooters: boolean; includeBody: boolean }): string;
}

/** The body, then each other story that has text, as its own section. */
function storySections(extracted: WordExtractor.Document): DraftSection[] {
  const doc = extracted as unknown as Stories;
  const stories: [title: string, part: string, text: string][] = [
    ['Headers', 'headers', doc.getHeaders({ ...RAW, includeFooters: false })],
    ['Footers', 'footers', doc.getFooters(RAW)],
    ['Footnotes', 'footnotes', doc.getFootnotes(RAW)],
    ['Endnotes', 'endnotes', doc.getEndnotes(RAW)],
    ['Comments', 'comments', doc.getAnnotations(RAW)],
    ['Text boxes', 'textboxes', doc.getTextboxes({ ...RAW, includeHeadersAndFooters: true, includeBody: true })],
  ];
  return [
    draftSection('', normalizeText(doc.getBody(RAW))),
    ...stories.map(([title, part, text]) => draftSection(title, normalizeText(text), { part })),
  ].filter((s) => s.text !== '');
}
