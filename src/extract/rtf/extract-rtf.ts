import { ExtractionError } from '../../errors/index.js';
import { draftSection, hasText, pruneEmpty, type DraftDocument, type DraftSection } from '../draft.js';
import type { RawContext } from '../parse-options.js';
import { garbledWarning, normalizeText } from '../text-normalize.js';
import { cleanTitle } from '../title.js';
import type { RtfParagraph } from './rtf-output.js';
import { readRtf, type RtfContent } from './rtf-reader.js';

/**
 * Rich Text Format, read by corpusgate's own reader (rtf-reader.ts: no maintained JavaScript RTF
 * parser exists). Paragraphs become lines; paragraphs with an outline level (\outlinelevelN, or
 * their style's) open sections nested by level, else the body is one section; footnotes follow
 * as a section of their own, as in the docx path. \info's title, author, subject, keywords and
 * dates are the metadata.
 */
export async function extractRtf(bytes: Uint8Array, context: RawContext): Promise<DraftDocument> {
  let content: RtfContent;
  try {
    content = readRtf(bytes);
  } catch (err) {
    if (err instanceof ExtractionError) throw err;
    throw new ExtractionError('CORRUPT', `the RTF cannot be read: ${(err as Error).message}`);
  }
  const { sections: body, firstHeading } = bodySections(content.paragraphs);
  const footnotes = normalizeText(content.footnotes);
  const sections = pruneEmpty([...body, ...(footnotes ? [draftSection('Footnotes', footnotes, { part: 'footnotes' })] : [])]);
  if (!hasText(sections)) throw new ExtractionError('NO_TEXT', 'the RTF document has no text to index');

  const info = (key: string) => {
    const value = content.info.get(key);
    return value === undefined ? null : normalizeText(value).replace(/\s+/g, ' ') || null;
  };
  const title = cleanTitle(info('title'));
  const metadata: Record<string, unknown> = {};
  if (title) metadata['title'] = title;
  for (const key of ['author', 'subject', 'keywords', 'comments', 'category']) {
    const value = info(key);
    if (value) metadata[key] = value;
  }
  for (const [key, parts] of content.dates) {
    const date = isoDate(parts);
    if (date) metadata[key] = date;
  }
  const garbled = garbledWarning(allTexts(sections));
  return {
    title: title ?? firstHeading ?? '',
    metadata: { ...metadata, mime_type: 'application/rtf', sha256: context.sha256, extractor: 'corpusgate/rtf' },
    sections,
    warnings: garbled ? [garbled] : [],
  };
}

/** Paragraphs into sections nested by outline level; text before the first heading in a leading untitled section. */
function bodySections(paragraphs: readonly RtfParagraph[]): { sections: DraftSection[]; firstHeading: string | null } {
  const root: DraftSection[] = [draftSection('', '')];
  const lines = new Map<DraftSection, string[]>([[root[0]!, []]]);
  const stack: { level: number; section: DraftSection }[] = [];
  let firstHeading: string | null = null;
  for (const p of paragraphs) {
    const text = p.text.replace(/\t+$/, ''); // the tab a table row's last \cell leaves
    const title = p.level === null ? '' : normalizeText(text).replace(/\s+/g, ' ');
    if (title === '') {
      lines.get(stack[stack.length - 1]?.section ?? root[0]!)!.push(text);
      continue;
    }
    const level = p.level! + 1;
    firstHeading ??= cleanTitle(title);
    while (stack.length > 0 && stack[stack.length - 1]!.level >= level) stack.pop();
    const section = draftSection(title, '', { heading_level: level });
    (stack.length > 0 ? stack[stack.length - 1]!.section.children : root).push(section);
    stack.push({ level, section });
    lines.set(section, []);
  }
  for (const [section, texts] of lines) section.text = normalizeText(texts.join('\n'));
  return { sections: root, firstHeading };
}

/** \creatim's \yr \mo \dy \hr \min \sec as an ISO date-time without a zone (RTF states none). */
function isoDate(parts: Partial<Record<string, number>>): string | null {
  const { yr, mo = 1, dy = 1, hr = 0, min = 0, sec = 0 } = parts;
  if (yr === undefined || yr < 1 || yr > 9999 || mo < 1 || mo > 12 || dy < 1 || dy > 31 || hr > 23 || min > 59 || sec > 59 || hr < 0 || min < 0 || sec < 0) return null;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(yr, 4)}-${pad(mo)}-${pad(dy)}T${pad(hr)}:${pad(min)}:${pad(sec)}`;
}

function allTexts(sections: readonly DraftSection[]): string[] {
  return sections.flatMap((s) => [s.text, ...allTexts(s.children)]);
}
