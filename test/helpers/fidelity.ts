/**
 * The fidelity measure of ../shared/corpus/README.md ("reference/"): word multisets of the
 * extracted text against what pdftotext (PDFs) or pandoc (docx) extract.
 */
export type WordCounts = Map<string, number>;

/** NFKC, lower case, soft hyphens out, "-" + line break + letters joined; \w+ runs of 3+ (or non-ASCII), no pure digits. */
export function wordCounts(text: string): WordCounts {
  const prepared = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\u00ad/g, '')
    .replace(/-[ \t]*\r?\n[ \t]*(?=\p{L})/gu, '');
  const counts: WordCounts = new Map();
  for (const [word] of prepared.matchAll(/[\p{L}\p{N}\p{M}_]+/gu)) {
    if (/^\d+$/.test(word)) continue;
    if (word.length < 3 && !/[^\x00-\x7f]/.test(word)) continue;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

/** The reference without its running headers and footers (4+ pages, a line on ≥ 30 % of them). */
export function referenceText(reference: string): string {
  const pages = reference.split('\f');
  if (pages.length < 4) return reference;
  const key = (line: string) => line.replace(/\d/g, '#').replace(/\s+/g, ' ').trim().toLowerCase();
  const pagesWith = new Map<string, number>();
  for (const page of pages) for (const k of new Set(page.split('\n').map(key))) if (k !== '') pagesWith.set(k, (pagesWith.get(k) ?? 0) + 1);
  const running = new Set([...pagesWith].filter(([, n]) => n >= pages.length * 0.3).map(([k]) => k));
  return pages.map((page) => page.split('\n').filter((line) => !running.has(key(line))).join('\n')).join('\f');
}

export interface Fidelity {
  readonly referenceWords: number;
  /** Share of the reference's words found (multiset intersection): 1 = nothing lost. */
  readonly recall: number;
  /** Occurrences beyond the reference's own count, per reference word: 0 = nothing repeated. */
  readonly excess: number;
}

export function fidelity(extracted: string, reference: string): Fidelity {
  const ref = wordCounts(referenceText(reference));
  const ext = wordCounts(extracted);
  let total = 0;
  let found = 0;
  let extra = 0;
  for (const [word, n] of ref) {
    total += n;
    const have = ext.get(word) ?? 0;
    found += Math.min(n, have);
    extra += Math.max(0, have - n);
  }
  return { referenceWords: total, recall: total === 0 ? 1 : found / total, excess: total === 0 ? 0 : extra / total };
}

/** Line breaks inside a sentence: a line ending in a lowercase letter or comma, the next starting lowercase. */
export function sentenceBreaks(text: string): number {
  return [...text.matchAll(/[\p{Ll},][ \t]*\n[ \t]*\p{Ll}/gu)].length;
}

/** Words hyphenated across a line break: "com-\npile". */
export function hyphenBreaks(text: string): number {
  return [...text.matchAll(/\p{L}-[ \t]*\n[ \t]*\p{Ll}/gu)].length;
}

export function totalWords(text: string): number {
  return [...text.matchAll(/\S+/g)].length;
}
