import { draftSection, type DraftSection } from '../draft.js';
import { normalizeText } from '../text-normalize.js';

/**
 * Sections nested by heading level as a document is read in order, the way the docx extractor
 * nests them: a heading closes every open heading of its level or deeper; text before the first
 * heading goes into a leading untitled section.
 */
export class Outline {
  readonly root: DraftSection[] = [];
  firstHeading: string | null = null;
  readonly #stack: { level: number; section: DraftSection }[] = [];
  #lead: DraftSection | null = null;

  heading(level: number, title: string): void {
    const clean = normalizeText(title).replace(/\s+/g, ' ');
    if (clean === '') return;
    this.firstHeading ??= clean;
    while (this.#stack.length > 0 && this.#stack[this.#stack.length - 1]!.level >= level) this.#stack.pop();
    const section = draftSection(clean, '', { heading_level: level });
    (this.#stack.length > 0 ? this.#stack[this.#stack.length - 1]!.section.children : this.root).push(section);
    this.#stack.push({ level, section });
  }

  line(text: string): void {
    if (text.trim() === '') return;
    const section = this.#current();
    section.text = section.text === '' ? text : `${section.text}\n${text}`;
  }

  /** The sections, every text normalized. */
  sections(): DraftSection[] {
    const normalize = (sections: DraftSection[]) => {
      for (const s of sections) {
        s.text = normalizeText(s.text);
        normalize(s.children);
      }
    };
    normalize(this.root);
    return this.root;
  }

  #current(): DraftSection {
    const open = this.#stack[this.#stack.length - 1];
    if (open) return open.section;
    if (!this.#lead) this.root.push((this.#lead = draftSection('', '')));
    return this.#lead;
  }
}
