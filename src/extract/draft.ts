import type { ExtractionWarning } from './text-normalize.js';

/**
 * The neutral result of every extractor, before it becomes a Document: sections nest like the
 * source's structure; metadata is plain JSON.
 */
export interface DraftSection {
  title: string;
  text: string;
  metadata: Record<string, unknown>;
  children: DraftSection[];
}

export interface DraftDocument {
  title: string;
  metadata: Record<string, unknown>;
  sections: DraftSection[];
  warnings: ExtractionWarning[];
}

export function draftSection(title: string, text: string, metadata: Record<string, unknown> = {}): DraftSection {
  return { title, text, metadata, children: [] };
}

/**
 * Drops empty sections, depth first: no text and no children. A titled section stays (a heading
 * directly followed by another heading is still part of the document's structure).
 */
export function pruneEmpty(sections: DraftSection[]): DraftSection[] {
  return sections
    .map((s) => ({ ...s, children: pruneEmpty(s.children) }))
    .filter((s) => s.text.trim() !== '' || s.title.trim() !== '' || s.children.length > 0);
}

export function hasText(sections: readonly DraftSection[]): boolean {
  return sections.some((s) => s.text.trim() !== '' || hasText(s.children));
}
