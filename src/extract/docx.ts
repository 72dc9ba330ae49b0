import { createRequire } from 'node:module';
import mammoth from 'mammoth';
import { ExtractionError, UnsupportedTypeError } from '../errors/index.js';
import { draftSection, hasText, pruneEmpty, type DraftDocument, type DraftSection } from './draft.js';
import { readCoreProperties, readStyleOutlineLevels } from './office-properties.js';
import { garbledWarning, normalizeText } from './text-normalize.js';
import { cleanTitle } from './title.js';
import { inspectZip } from './zip-guard.js';
import { asBuffer, describeZip, SUPPORTED_TYPES } from './sniff.js';

const MAMMOTH_VERSION = (createRequire(import.meta.url)('mammoth/package.json') as { version: string }).version;
const CORE = 'docProps/core.xml';
const STYLES = 'word/styles.xml';

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
}
interface MammothDocument extends Element {
  notes: { _notes?: Record<string, Element> };
  comments: Element[];
}

/**
 * A ZIP upload: a docx when its central directory has word/document.xml, else refused naming what
 * it is. Bomb checks (zip-guard) run before mammoth opens it; images are never read.
 */
export async function extractZip(bytes: Uint8Array, sha256: string): Promise<DraftDocument> {
  const zip = await inspectZip(bytes, [CORE, STYLES]);
  if (!zip.names.has('word/document.xml')) {
    const what = describeZip(zip.names);
    throw new UnsupportedTypeError(`unsupported file type: ${what.description}; supported: ${SUPPORTED_TYPES.join(', ')}`, SUPPORTED_TYPES, what.mime);
  }
  let model: MammothDocument | null = null;
  try {
    await mammoth.convertToHtml(
      { buffer: asBuffer(bytes) },
      {
        // Keep mammoth's model and hand the HTML writer an empty document: the HTML is not needed.
        transformDocument: ((doc: MammothDocument) => {
          model = doc;
          return { ...doc, children: [] };
        }) as never,
      },
    );
  } catch (err) {
    throw new ExtractionError('CORRUPT', `the docx cannot be read: ${(err as Error).message}`);
  }
  if (!model) throw new ExtractionError('CORRUPT', 'the docx has no readable body');
  const outlineLevels = readStyleOutlineLevels(zip.parts.get(STYLES)?.toString('utf8'));
  const body = bodySections(model, outlineLevels);
  const sections = pruneEmpty([...body, ...noteSections(model)]);
  if (!hasText(sections)) throw new ExtractionError('NO_TEXT', 'the document body is empty: there is no text to index');

  const core = readCoreProperties(zip.parts.get(CORE)?.toString('utf8'));
  const firstHeading = findFirstTitled(body);
  const warning = garbledWarning(allText(sections));
  return {
    title: cleanTitle(core.title) ?? firstHeading ?? '',
    metadata: {
      ...(cleanTitle(core.title) ? { title: cleanTitle(core.title) } : {}),
      ...(core.subject ? { subject: core.subject } : {}),
      ...(core.keywords ? { keywords: core.keywords } : {}),
      ...(core.creator ? { creator: core.creator } : {}),
      ...(core.lastModifiedBy ? { lastModifiedBy: core.lastModifiedBy } : {}),
      ...(core.created ? { created: core.created } : {}),
      ...(core.modified ? { modified: core.modified } : {}),
      mime_type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      sha256,
      extractor: `mammoth@${MAMMOTH_VERSION}`,
    },
    sections,
    warnings: warning ? [warning] : [],
  };
}

function headingLevel(p: Element, outlineLevels: ReadonlyMap<string, number>): number | null {
  const byName = /^heading\s*([1-6])$/i.exec(p.styleName ?? '') ?? /^heading([1-6])$/i.exec(p.styleId ?? '');
  if (byName) return Number(byName[1]);
  return (p.styleId && outlineLevels.get(p.styleId)) || null;
}

/**
 * Body blocks into sections nested by heading level; text before the first heading goes into a
 * leading untitled section.
 */
function bodySections(doc: MammothDocument, outlineLevels: ReadonlyMap<string, number>): DraftSection[] {
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

  for (const block of doc.children ?? []) {
    const level = block.type === 'paragraph' ? headingLevel(block, outlineLevels) : null;
    const text = blockText(block);
    if (level !== null && text.trim() !== '') {
      while (stack.length > 0 && stack[stack.length - 1]!.level >= level) stack.pop();
      const section = draftSection(normalizeText(text).replace(/\s+/g, ' '), '', { heading_level: level });
      (stack.length > 0 ? stack[stack.length - 1]!.section.children : root).push(section);
      stack.push({ level, section });
    } else {
      append(current(), text);
    }
  }
  for (const s of walk(root)) s.text = normalizeText(s.text);
  return root;
}

/** Footnotes, endnotes and comments, each kind as one section after the body. */
function noteSections(doc: MammothDocument): DraftSection[] {
  const root: DraftSection[] = [];
  const notes = Object.values(doc.notes?._notes ?? {});
  for (const [type, title] of [['footnote', 'Footnotes'], ['endnote', 'Endnotes']] as const) {
    const text = normalizeText(notes.filter((n) => n.noteType === type).map((n) => blocksText(n.body ?? [])).filter(Boolean).join('\n'));
    if (text) root.push(draftSection(title, text, { part: `${type}s` }));
  }
  const comments = normalizeText((doc.comments ?? []).map((c) => blocksText(c.body ?? [])).filter(Boolean).join('\n'));
  if (comments) root.push(draftSection('Comments', comments, { part: 'comments' }));
  return root;
}

function blocksText(blocks: readonly Element[]): string {
  return blocks.map(blockText).filter((t) => t.trim() !== '').join('\n');
}

/** A paragraph's text, or a table as one row per line with tab-separated cells. */
function blockText(block: Element): string {
  if (block.type === 'table') {
    return (block.children ?? [])
      .map((row) => (row.children ?? []).map((cell) => inlineText(cell.children ?? []).replace(/\s*\n\s*/g, ' ').trim()).join('\t'))
      .filter((row) => row.trim() !== '')
      .join('\n');
  }
  return inlineText(block.children ?? []);
}

function inlineText(elements: readonly Element[]): string {
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
        out += `\n${blockText(e)}\n`;
        break;
      case 'image':
        // The image is never read or decoded; its description is text a reader is given.
        if (e.altText?.trim()) out += `\n${e.altText.trim()}\n`;
        break;
      default:
        if (e.children) out += inlineText(e.children);
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

function findFirstTitled(sections: DraftSection[]): string | null {
  for (const s of walk(sections)) if (s.title) return s.title;
  return null;
}

function allText(sections: DraftSection[]): string {
  return [...walk(sections)].map((s) => s.text).join('\n');
}
