import { createRequire } from 'node:module';
import mammoth from 'mammoth';
import { ExtractionError } from '../../errors/index.js';
import { readerWarnings, type ReaderMessage } from './docx-messages.js';
import { listLabels } from './docx-numbering.js';
import { draftSection, hasText, pruneEmpty, type DraftDocument, type DraftSection } from '../draft.js';
import { DOCUMENT, NUMBERING, STYLES } from './docx-parts.js';
import { coreMetadata, readStyleOutlineLevels } from './office-properties.js';
import { garbledWarning, normalizeText } from '../text-normalize.js';
import type { ZipContents } from '../zip-guard.js';
import { asBuffer } from '../sniff.js';

const MAMMOTH_VERSION = (createRequire(import.meta.url)('mammoth/package.json') as { version: string }).version;

/** mammoth's document model (lib/documents.js), as far as this extractor reads it. */
interface Element {
  type: string;
  children?: Element[];
  value?: string;
  styleId?: string | null;
  styleName?: string | null;
  breakType?: string;
  body?: Element[];
  noteType?: string;
  /** Images: the description (wp:docPr/@descr, else @title) mammoth reads; the image itself never. */
  altText?: string;
  /** Paragraphs: the numbering level mammoth found (docx-numbering.ts reads the rest). */
  numbering?: { level?: unknown; isOrdered?: unknown } | null;
}
/** List labels ("1.", "a)", "•") by paragraph. */
type Labels = ReadonlyMap<Element, string>;
const NO_LABELS: Labels = new Map();
interface MammothDocument extends Element {
  notes: { _notes?: Record<string, Element> };
  comments: Element[];
}

/**
 * A docx (its ZIP already through zip-guard's bomb checks, which ran before mammoth opens it);
 * images are never read.
 */
export async function extractDocx(bytes: Uint8Array, zip: ZipContents, sha256: string): Promise<DraftDocument> {
  let model: MammothDocument | null = null;
  let messages: readonly ReaderMessage[];
  try {
    ({ messages } = await mammoth.convertToHtml(
      { buffer: asBuffer(bytes) },
      {
        // Keep mammoth's model and hand the HTML writer an empty document: the HTML is not needed.
        transformDocument: ((doc: MammothDocument) => {
          model = doc;
          return { ...doc, children: [] };
        }) as never,
      },
    ));
  } catch (err) {
    throw new ExtractionError('CORRUPT', `the docx cannot be read: ${(err as Error).message}`);
  }
  if (!model) throw new ExtractionError('CORRUPT', 'the docx has no readable body');
  const styles = zip.parts.get(STYLES)?.toString('utf8');
  const outlineLevels = readStyleOutlineLevels(styles);
  const labels = listLabels(bodyParagraphs(model), {
    numbering: zip.parts.get(NUMBERING)?.toString('utf8'),
    styles,
    document: zip.parts.get(DOCUMENT)?.toString('utf8'),
  });
  const { sections: body, firstHeading } = bodySections(model, outlineLevels, labels);
  const sections = pruneEmpty([...body, ...noteSections(model)]);
  if (!hasText(sections)) throw new ExtractionError('NO_TEXT', 'the document body is empty: there is no text to index');

  const core = coreMetadata(zip.parts);
  const warning = garbledWarning(allText(sections));
  return {
    title: core.title ?? firstHeading ?? '',
    metadata: {
      ...core.metadata,
      mime_type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      sha256,
      extractor: `mammoth@${MAMMOTH_VERSION}`,
    },
    sections,
    warnings: [...readerWarnings(messages), ...(warning ? [warning] : [])],
  };
}

function headingLevel(p: Element, outlineLevels: ReadonlyMap<string, number>): number | null {
  const byName = /^heading\s*([1-6])$/i.exec(p.styleName ?? '') ?? /^heading([1-6])$/i.exec(p.styleId ?? '');
  if (byName) return Number(byName[1]);
  return (p.styleId && outlineLevels.get(p.styleId)) || null;
}

/**
 * Body blocks into sections nested by heading level; text before the first heading goes into a
 * leading untitled section. A numbered heading's title keeps its label ("2.1 Scope"), as a reader
 * sees it; `firstHeading`, the document title when core.xml has none, does not: the number is the
 * heading's place in the document, not part of the document's name.
 */
function bodySections(doc: MammothDocument, outlineLevels: ReadonlyMap<string, number>, labels: Labels): { sections: DraftSection[]; firstHeading: string | null } {
  const root: DraftSection[] = [];
  const stack: { level: number; section: DraftSection }[] = [];
  let lead: DraftSection | null = null;
  const current = (): DraftSection => {
    const open = stack[stack.length - 1];
    if (open) return open.section;
    if (!lead) root.push((lead = draftSection('', '')));
    return lead;
  };
  const append = (section: DraftSection, text: string) => {
    if (text.trim() === '') return;
    section.text = section.text === '' ? text : `${section.text}\n${text}`;
  };

  const oneLine = (text: string) => normalizeText(text).replace(/\s+/g, ' ');
  let firstHeading: string | null = null;
  for (const block of doc.children ?? []) {
    const level = block.type === 'paragraph' ? headingLevel(block, outlineLevels) : null;
    const text = blockText(block, labels);
    if (level !== null && text.trim() !== '') {
      firstHeading ??= oneLine(blockText(block, NO_LABELS)) || null;
      while (stack.length > 0 && stack[stack.length - 1]!.level >= level) stack.pop();
      const section = draftSection(oneLine(text), '', { heading_level: level });
      (stack.length > 0 ? stack[stack.length - 1]!.section.children : root).push(section);
      stack.push({ level, section });
    } else {
      append(current(), text);
    }
  }
  for (const s of walk(root)) s.text = normalizeText(s.text);
  return { sections: root, firstHeading };
}

/** Every paragraph of the body, nested ones (table cells, text boxes) included, in document order. */
function bodyParagraphs(doc: MammothDocument): Element[] {
  const paragraphs: Element[] = [];
  const stack = [...(doc.children ?? [])].reverse();
  for (let e = stack.pop(); e; e = stack.pop()) {
    if (e.type === 'paragraph') paragraphs.push(e);
    for (let i = (e.children?.length ?? 0) - 1; i >= 0; i--) stack.push(e.children![i]!);
  }
  return paragraphs;
}

/**
 * Footnotes, endnotes and comments, each kind as one section after the body. Their paragraphs get
 * no list labels: only the body's are matched with document.xml (docx-numbering.ts).
 */
function noteSections(doc: MammothDocument): DraftSection[] {
  const root: DraftSection[] = [];
  const notes = Object.values(doc.notes?._notes ?? {});
  for (const [type, title] of [['footnote', 'Footnotes'], ['endnote', 'Endnotes']] as const) {
    const text = normalizeText(notes.filter((n) => n.noteType === type).map((n) => blocksText(n.body ?? [], NO_LABELS)).filter(Boolean).join('\n'));
    if (text) root.push(draftSection(title, text, { part: `${type}s` }));
  }
  const comments = normalizeText((doc.comments ?? []).map((c) => blocksText(c.body ?? [], NO_LABELS)).filter(Boolean).join('\n'));
  if (comments) root.push(draftSection('Comments', comments, { part: 'comments' }));
  return root;
}

function blocksText(blocks: readonly Element[], labels: Labels): string {
  return blocks.map((b) => blockText(b, labels)).filter((t) => t.trim() !== '').join('\n');
}

/**
 * A paragraph's text after its list label and a space (an empty numbered paragraph shows no
 * label), or a table as one row per line with tab-separated cells.
 */
function blockText(block: Element, labels: Labels): string {
  if (block.type === 'table') {
    return (block.children ?? [])
      .map((row) => (row.children ?? []).map((cell) => inlineText(cell.children ?? [], labels).replace(/\s*\n\s*/g, ' ').trim()).join('\t'))
      .filter((row) => row.trim() !== '')
      .join('\n');
  }
  const text = inlineText(block.children ?? [], labels);
  const label = labels.get(block);
  return label && text.trim() !== '' ? `${label} ${text.replace(/^[ \t]+/, '')}` : text;
}

function inlineText(elements: readonly Element[], labels: Labels): string {
  let out = '';
  for (const e of elements) {
    switch (e.type) {
      case 'text':
        out += e.value ?? '';
        break;
      case 'tab':
        out += '\t';
        break;
      case 'break':
        out += '\n';
        break;
      case 'paragraph': // text-box content arrives as paragraphs inside runs
      case 'table':
        out += `\n${blockText(e, labels)}\n`;
        break;
      case 'image':
        // The image is never read or decoded; its description is text a reader is given.
        if (e.altText?.trim()) out += `\n${e.altText.trim()}\n`;
        break;
      default:
        if (e.children) out += inlineText(e.children, labels);
    }
  }
  return out;
}

function* walk(sections: DraftSection[]): Generator<DraftSection> {
  for (const s of sections) {
    yield s;
    yield* walk(s.children);
  }
}

function allText(sections: DraftSection[]): string {
  return [...walk(sections)].map((s) => s.text).join('\n');
}
