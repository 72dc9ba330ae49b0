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

/** Drops sections with neither text nor (non-empty) children, depth first. */
export function pruneEmpty(sections: DraftSection[]): DraftSection[] {
  return sections
    .map((s) => ({ ...s, children: pruneEmpty(s.children) }))
    .filter((s) => s.text.trim() !== '' || s.children.length > 0);
}

export function hasText(sections: readonly DraftSection[]): boolean {
  return sections.some((s) => s.text.trim() !== '' || hasText(s.children));
}
