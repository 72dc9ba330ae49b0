import { ExtractionError } from '../../errors/index.js';
import { coreMetadata } from '../docx/office-properties.js';
import { draftSection, hasText, pruneEmpty, type DraftDocument, type DraftSection } from '../draft.js';
import type { RawContext } from '../parse-options.js';
import { garbledWarning, normalizeText, type ExtractionWarning } from '../text-normalize.js';
import type { ZipContents } from '../zip-guard.js';
import { readPart, relationships, slideOrder } from './pptx-parts.js';
import { slideText } from './slide-text.js';

const MIME = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

/**
 * A pptx (its ZIP already through zip-guard): one section per slide in presentation order, titled
 * by the slide's title placeholder, metadata {slide: n} (and hidden: true for a slide hidden in
 * the show: still the author's content, so it is indexed, but marked), the speaker notes as a
 * child section "Notes". The title is core.xml's dc:title, else the first slide's title.
 */
export async function extractPptx(_bytes: Uint8Array, zip: ZipContents, context: RawContext): Promise<DraftDocument> {
  const { slides, missing } = slideOrder(zip);
  const warnings: ExtractionWarning[] = [];
  if (missing > 0) warnings.push({ code: 'CONTENT_SKIPPED', message: `${missing} slide(s) listed in presentation.xml have no slide part in the package; skipped` });
  const sections = pruneEmpty(slides.map((part, i) => slideSection(zip, part, i + 1)));
  if (!hasText(sections)) throw new ExtractionError('NO_TEXT', 'the presentation has no text on its slides or in its notes: there is nothing to index');

  const { title, metadata: core } = coreMetadata(zip.parts);
  const firstSlideTitle = sections.map((s) => s.title).find((t) => t !== '') ?? '';
  const garbled = garbledWarning(sections.flatMap((s) => [s.text, ...s.children.map((c) => c.text)]));
  return {
    title: title ?? firstSlideTitle,
    metadata: {
      ...core,
      slides: slides.length,
      mime_type: MIME,
      sha256: context.sha256,
      extractor: 'corpusgate/pptx',
    },
    sections,
    warnings: [...warnings, ...(garbled ? [garbled] : [])],
  };
}

function slideSection(zip: ZipContents, part: string, n: number): DraftSection {
  const root = readPart(zip, part)!;
  const hidden = root.attrs['show'] === '0' || root.attrs['show'] === 'false';
  const { title, lines } = slideText(root, 'slide');
  const section = draftSection(normalizeText(title).replace(/\s+/g, ' '), normalizeText(lines.join('\n')), { slide: n, ...(hidden ? { hidden: true } : {}) });
  const notes = notesText(zip, part);
  if (notes) section.children.push(draftSection('Notes', notes, { slide: n, part: 'notes' }));
  return section;
}

/** The slide's speaker notes: the notes page its relationships name, body text only. */
function notesText(zip: ZipContents, slidePart: string): string {
  const rel = [...relationships(zip, slidePart).values()].find((r) => r.type === 'notesSlide' && !r.external);
  const notes = rel ? readPart(zip, rel.target) : undefined;
  if (!notes) return '';
  const { lines } = slideText(notes, 'notes');
  return normalizeText(lines.join('\n'));
}
