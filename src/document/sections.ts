import type { Document, Section } from './gen/indexing_pb.js';

function* walk(sections: readonly Section[]): Generator<Section> {
  for (const s of sections) {
    yield s;
    yield* walk(s.section);
  }
}

/** Every section of the document, depth first. */
export function allSections(document: Document): Section[] {
  return [...walk(document.section)];
}

/**
 * Section ids from 1, depth first. Ids the uploader set are kept when they are all set and
 * unique (clients may refer to them); otherwise every section is renumbered, because a half-set
 * or duplicated numbering cannot identify sections.
 */
export function numberSections(document: Document): void {
  const sections = allSections(document);
  const ids = new Set(sections.map((s) => s.id));
  const usable = sections.every((s) => s.id > 0) && ids.size === sections.length;
  if (usable) return;
  sections.forEach((s, i) => {
    s.id = i + 1;
  });
}
