import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { CORPUS, CUSTOMER, useGateway } from './helpers/gateway.js';
import { CORPUS_DIR, flattenSections, loadManifest, sectionsText } from './helpers/corpus.js';
import { fidelity, hyphenBreaks, sentenceBreaks, totalWords, type Fidelity } from './helpers/fidelity.js';

/**
 * Issue 12's measure: every file of the shared corpus with a reference text through the real upload
 * route, its sections' titles and texts compared with ../shared/corpus/reference/ (pdftotext,
 * pandoc): recall (text lost), excess (text repeated), and, over all PDFs, line breaks inside
 * sentences and words hyphenated across lines. Prints a table.
 */
const manifest = loadManifest();
const REFERENCE_DIR = path.join(CORPUS_DIR, 'reference');
/** Known reference fault (the corpus README): pandoc splits words at formatting-run boundaries. */
const REFERENCE_FAULTS = new Set(['tika__testWORD_various.docx']);
/**
 * Where the measure, not the extraction, finds excess (checked by hand, 2026-11-30):
 * - the measure drops from the reference every line found on ≥ 30 % of its pages as a running
 *   header; these two repeat real body text on most pages (the same filler paragraph under each
 *   heading; the same glyph table on every page), which the gateway rightly keeps;
 * - a 16-word file drawing "Hello World" once with letter spacing: PDFium reads it as words,
 *   pdftotext as letters, so the words count twice;
 * - an 18-word file whose outline titles ("France") the sections carry as their titles.
 */
const EXCESS_ARTIFACTS = new Set(['pypdf__pdflatex-outline.pdf', 'pdfjs__standard_fonts.pdf', 'pdfminer__simple1.pdf', 'tika__testPDF_bookmarks.pdf']);
/** Goal 0 (issue 12): words hyphenated at a line end that still stand across a paragraph break. */
const HYPHEN_BREAKS_AT_MOST = 0;


interface Row extends Fidelity {
  readonly file: string;
  readonly kind: string;
  readonly words: number;
  readonly breaks: number;
  readonly hyphens: number;
}

const files = (manifest ?? []).filter((e) => fs.existsSync(path.join(REFERENCE_DIR, `${e.file}.txt`)));

(manifest ? describe : describe.skip)('extraction fidelity against the reference extractors', () => {
  const gw = useGateway();
  let token: string;
  const rows: Row[] = [];

  beforeAll(async () => {
    token = await gw.token();
  });

  it('measures every file with a reference text (PDF, docx and the formats of issue 16)', async () => {
    for (const entry of files) {
      const res = await request(gw.app)
        .post(`/v1/upload?c=${CUSTOMER}&o=${CORPUS}&d=true`)
        .set('Authorization', `Bearer ${token}`)
        .attach('file', fs.readFileSync(path.join(CORPUS_DIR, entry.file)), entry.file);
      expect({ file: entry.file, status: res.status }).toEqual({ file: entry.file, status: 200 });
      const text = sectionsText(flattenSections(res.body.document.section));
      const reference = fs.readFileSync(path.join(REFERENCE_DIR, `${entry.file}.txt`), 'utf8');
      // A docx image's description (wp:docPr/@descr) is text where the image stands (issue 12).
      if (entry.file === 'tika__testWORD_3imgs.docx') expect((text.match(/A description\.\.\./g) ?? []).length).toBeGreaterThanOrEqual(2);
      rows.push({ file: entry.file, kind: entry.kind, words: totalWords(text), breaks: sentenceBreaks(text), hyphens: hyphenBreaks(text), ...fidelity(text, reference) });
    }
    printTable(rows);

    const judged = rows.filter((r) => !REFERENCE_FAULTS.has(r.file));
    for (const r of judged) expect({ file: r.file, recall: r.recall >= 0.95 }).toEqual({ file: r.file, recall: true });
    const recalls = judged.map((r) => r.recall).sort((a, b) => a - b);
    expect(recalls[Math.floor(recalls.length / 2)]).toBeGreaterThanOrEqual(0.99);
    const pdfs = rows.filter((r) => r.kind === 'pdf');
    for (const r of pdfs.filter((r) => !EXCESS_ARTIFACTS.has(r.file))) expect({ file: r.file, excess: r.excess <= 0.05 }).toEqual({ file: r.file, excess: true });
    const words = pdfs.reduce((n, r) => n + r.words, 0);
    expect((1000 * pdfs.reduce((n, r) => n + r.breaks, 0)) / words).toBeLessThanOrEqual(5);
    expect(pdfs.reduce((n, r) => n + r.hyphens, 0)).toBeLessThanOrEqual(HYPHEN_BREAKS_AT_MOST);
  }, 180_000);
});

function printTable(rows: readonly Row[]): void {
  const pct = (x: number) => x.toFixed(3);
  const lines = ['| file | recall | excess | words | in-sentence breaks /1000 w | hyphen breaks |', '| --- | --- | --- | --- | --- | --- |'];
  for (const r of rows) lines.push(`| ${r.file} | ${pct(r.recall)} | ${pct(r.excess)} | ${r.words} | ${r.words ? ((1000 * r.breaks) / r.words).toFixed(1) : '0'} | ${r.hyphens} |`);
  const pdfs = rows.filter((r) => r.kind === 'pdf');
  const words = pdfs.reduce((n, r) => n + r.words, 0);
  const recalls = rows.map((r) => r.recall).sort((a, b) => a - b);
  lines.push(
    `\nfidelity: ${rows.length} files, median recall ${pct(recalls[Math.floor(recalls.length / 2)] ?? 0)}, min recall ${pct(recalls[0] ?? 0)}, ` +
      `max PDF excess ${pct(Math.max(0, ...pdfs.map((r) => r.excess)))}, PDF in-sentence breaks ${((1000 * pdfs.reduce((n, r) => n + r.breaks, 0)) / Math.max(1, words)).toFixed(1)}/1000 words, ` +
      `hyphen breaks ${pdfs.reduce((n, r) => n + r.hyphens, 0)}`,
  );
  process.stdout.write(`\n${lines.join('\n')}\n`);
}
