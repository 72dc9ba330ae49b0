import fs from 'node:fs';
import path from 'node:path';

/** The shared corpus beside the repository (../shared/corpus), described by its MANIFEST.json. */
export const CORPUS_DIR = path.resolve(process.cwd(), '..', 'shared', 'corpus');

export interface ManifestEntry {
  file: string;
  kind: 'pdf' | 'docx' | 'image' | 'other';
  size: number;
  /** What a gateway with OCR should do instead of `expect` (images, text-less PDFs). */
  expect_ocr?: ManifestEntry['expect'];
  /** What a gateway that supports the format (html, rtf, odt, epub, doc, pptx, eml) does. */
  expect_formats?: ManifestEntry['expect'];
  expect: {
    ok: boolean;
    pages?: number;
    phrases?: string[];
    extra_phrases?: string[];
    title?: string;
    headings?: string[];
    outline?: string[];
    why?: string;
    also_acceptable?: string[];
  };
}

/**
 * The manifest, or null when the corpus is absent. With CI=true its absence is an error: CI must
 * never pass by skipping the real-document tests.
 */
export function loadManifest(): ManifestEntry[] | null {
  const file = path.join(CORPUS_DIR, 'MANIFEST.json');
  if (!fs.existsSync(file)) {
    if (process.env['CI'] === 'true') throw new Error(`CI=true but the shared corpus is missing: ${file}`);
    return null;
  }
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { files: ManifestEntry[] }).files;
}

/** The manifest's matching rule: NFKC, no bidi/zero-width/soft hyphens, whitespace collapsed. */
export function normalizeForMatch(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF\u00AD]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]/;

export function containsPhrase(text: string, phrase: string): boolean {
  const t = normalizeForMatch(text);
  const p = normalizeForMatch(phrase);
  if (CJK.test(p)) return t.replace(/\s/g, '').includes(p.replace(/\s/g, ''));
  return t.includes(p);
}

/** The manifest's `why` → the internalCodes that answer it. */
export const CODES_FOR_WHY: Record<string, string[]> = {
  'encrypted with user password': ['ENCRYPTED'],
  corrupt: ['CORRUPT'],
  'unsupported type': ['UNSUPPORTED_TYPE', 'TYPE_MISMATCH'],
  empty: ['EMPTY_FILE'],
  'no text': ['NO_TEXT'],
};

/** A section of a Document as the upload route returns it with d=true (proto3 JSON). */
export interface JsonSection {
  title?: string;
  text?: string;
  metadataJson?: string;
  section?: JsonSection[];
}

/** Every section, depth first. */
export function flattenSections(sections: JsonSection[] = []): JsonSection[] {
  return sections.flatMap((s) => [s, ...flattenSections(s.section)]);
}

/** What the corpus's measures compare: every section's title and text, without the document's title. */
export function sectionsText(sections: readonly JsonSection[]): string {
  return sections.map((s) => `${s.title ?? ''}\n${s.text ?? ''}`).join('\n');
}

/** What the gateway should do with a corpus file when OCR is on or off. */
export function expectedFor(entry: ManifestEntry, ocr: 'auto' | 'off'): ManifestEntry['expect'] {
  // Every format with expect_formats (html, rtf, odt, epub, doc, pptx, eml) is extracted (issue 16).
  return (ocr === 'auto' ? entry.expect_ocr : undefined) ?? entry.expect_formats ?? entry.expect;
}
