import request from 'supertest';
import { layOut } from '../src/extract/pdf/layout.js';
import type { PdfContent, PdfLine } from '../src/extract/pdf/model.js';
import { pdf, textPage } from '../scripts/fixtures.js';
import { closeTestIssuer, CORPUS, CUSTOMER, startGateway, type TestGateway } from './helpers/gateway.js';

/**
 * Issue 12's layout rules on the engine-neutral model (synthetic lines, no engine), and through
 * the upload route on generated PDFs (PDFium, and pdf.js where asked).
 */
const line = (text: string, y: number, o: Partial<PdfLine> = {}): PdfLine => ({
  text,
  x: 72,
  right: 72 + text.length * 5,
  top: y + 10,
  bottom: y,
  size: 10,
  bold: false,
  ...o,
});
/** A full-width body line (ends near the column's right edge). */
const body = (text: string, y: number, o: Partial<PdfLine> = {}) => line(text, y, { right: 540, ...o });

const content = (pages: PdfLine[][], outline: PdfContent['outline'] = []): PdfContent => ({ pages: pages.map((lines) => ({ lines })), outline, info: {}, engine: 'test', warnings: [] });

type Section = ReturnType<typeof layOut>['sections'][number];
const flatten = (sections: Section[]): Section[] => sections.flatMap((s) => [s, ...flatten(s.children)]);

describe('each line in exactly one section', () => {
  it('splits a page at each outline entry’s top; a parent keeps the text before its first child', () => {
    const page = [line('Chapter', 700, { size: 14 }), body('Intro text of the chapter.', 680), line('Part A', 640), body('Text of part A.', 620), line('Part B', 580), body('Text of part B.', 560)];
    const { sections, pageTexts } = layOut(
      content([page], [{ title: 'Chapter', page: 0, top: 712, children: [{ title: 'Part A', page: 0, top: 652, children: [] }, { title: 'Part B', page: 0, top: null, children: [] }] }]),
    );
    expect(sections).toHaveLength(1);
    expect(sections[0]).toMatchObject({ title: 'Chapter', text: 'Intro text of the chapter.' });
    expect(sections[0]!.children.map((s) => [s.title, s.text])).toEqual([
      ['Part A', 'Text of part A.'],
      ['Part B', 'Text of part B.'], // no position: found by its title
    ]);
    const sectionChars = flatten(sections).reduce((n, s) => n + s.text.length, 0);
    expect(sectionChars).toBeLessThanOrEqual(pageTexts.join('').length);
  });

  it('gives a page to the last of several entries that start on it without a position', () => {
    const { sections } = layOut(content([[body('This is a page about France', 700)]], [{ title: 'Countries', page: 0, top: null, children: [{ title: 'France', page: 0, top: null, children: [] }] }]));
    const texts = flatten(sections).map((s) => [s.title, s.text]);
    expect(texts).toEqual([
      ['Countries', ''],
      ['France', 'This is a page about France'],
    ]);
  });
});

describe('paragraphs, not printed lines', () => {
  it('joins the lines of a paragraph and starts a new one at a gap, an indent or a short line', () => {
    const { pageTexts } = layOut(
      content([
        [
          body('The first paragraph runs over', 700),
          body('two printed lines and ends here.', 688, { right: 300 }),
          body('A second paragraph, indented,', 676, { x: 90 }),
          body('continues on the next line.', 664, { right: 200 }),
          body('After a gap, a third one.', 630, { right: 200 }),
        ],
      ]),
    );
    expect(pageTexts[0]).toBe('The first paragraph runs over two printed lines and ends here.\nA second paragraph, indented, continues on the next line.\nAfter a gap, a third one.');
  });

  it('drops a line-end hyphen inside a word and keeps it between two words', () => {
    const { pageTexts } = layOut(
      content([
        [
          body('We com-', 700),
          body('pile it. A well-', 688),
          body('known compile step.', 676, { right: 200 }),
          body('A well and a known thing.', 640, { right: 200 }),
        ],
      ]),
    );
    expect(pageTexts[0]).toContain('We compile it. A well-known compile step.');
  });

  it('joins a word broken at a line end across a change of weight or size (a caption, an OCR line)', () => {
    const { pageTexts } = layOut(
      content([
        [
          body('Figure 11. Fraction of bytecodes executed by inter-', 700, { bold: true }),
          body('preter and on native traces, which is shown', 688),
          body('in parentheses. We must im-', 676, { right: 300 }),
          body('prove our quarters.', 662, { size: 12, right: 200 }),
          body('An interpreter runs it.', 630, { right: 200 }),
        ],
      ]),
    );
    expect(pageTexts[0]).toContain('executed by interpreter and on native traces');
    expect(pageTexts[0]).toContain('We must improve our quarters.');
  });

  it('joins a word broken at the end of a page to its rest on the next, past the page’s footer', () => {
    const { sections } = layOut(
      content([
        [body('Peace and the National Rifle Association, be-', 700), line('xiv PREFACE', 90, { size: 7 })],
        [body('tween liberal Olympia Snowe and conservative Ted Stevens.', 700, { right: 300 }), body('A word between two pages.', 680, { right: 200 })],
      ]),
    );
    const text = flatten(sections).map((s) => s.text).join('\n\n');
    expect(text).toContain('Association, between liberal Olympia Snowe');
    expect(text).toContain('xiv PREFACE');
    expect(text).not.toMatch(/be-\s/);
  });

  it('keeps short aligned lines (a table, a list) one per line', () => {
    const { pageTexts } = layOut(
      content([[body('A paragraph as wide as the column, then a table:', 730), line('Name\tValue', 700), line('alpha\t1', 688), line('beta\t2', 676), line('• first item', 664), line('• second item', 652)]]),
    );
    expect(pageTexts[0]).toBe('A paragraph as wide as the column, then a table:\nName\tValue\nalpha\t1\nbeta\t2\n• first item\n• second item');
  });
});

describe('headings for PDFs without an outline', () => {
  it('makes larger and bold lines section titles, nested by size, and drops running headers', () => {
    const word = ['apples', 'bridges', 'candles', 'dolphins'];
    const page = (n: number) => [
      line(`Journal of Tests ${n}`, 760, { size: 8, right: 200 }),
      ...(n === 0 ? [line('A Paper Title', 720, { size: 18, bold: true })] : []),
      line(`${n + 1}. ${['Introduction', 'Method', 'Results', 'Discussion'][n]}`, 690, { size: 11, bold: true }),
      body(`Body text about ${word[n]} goes on for a while here.`, 670, { size: 9 }),
      body(`And it continues about ${word[n]} on a second line,`, 659, { size: 9 }),
      body(`a third line and a fourth line on ${word[n]},`, 648, { size: 9 }),
      body(`until the paragraph on ${word[n]} ends.`, 637, { size: 9, right: 300 }),
      body(`A second paragraph on ${word[n]} starts after a gap`, 610, { size: 9 }),
      body(`and ends on its second line about ${word[n]}.`, 599, { size: 9, right: 300 }),
    ];
    const { sections, warnings } = layOut(content([page(0), page(1), page(2), page(3)]));
    expect(sections.map((s) => s.title)).toEqual(['', 'A Paper Title']);
    expect(sections[1]!.children.map((s) => s.title)).toEqual(['1. Introduction', '2. Method', '3. Results', '4. Discussion']);
    expect(sections[1]!.children[1]!.metadata).toEqual({ page: 2 });
    expect(flatten(sections).filter((s) => s.text.includes('Journal of Tests'))).toHaveLength(1);
    expect(warnings).toEqual([expect.objectContaining({ code: 'RUNNING_TEXT_DROPPED' })]);
  });

  it('takes a wrapped heading whose later line starts lower case as one title, and a line ending in a broken word as none', () => {
    const title = { size: 24 };
    const { sections } = layOut(
      content([
        [
          line('Scalability of Controlling MEMS Microrobots', 720, title),
          line('through Common Control Signal using Electrostatic', 696, title),
          line('Hysteresis', 672, title),
          ...Array.from({ length: 10 }, (_, i) => body(`Line ${i + 1} of the body text of the paper, which goes on and on`, 640 - 12 * i)),
          body('for a line or two, until the paragraph ends.', 628 - 120, { right: 300 }),
          body('Figure 1. A bold caption that goes on past its line and inter-', 480, { bold: true }),
          body('rupts the body text, which is not a heading.', 468, { right: 300 }),
        ],
      ]),
    );
    expect(sections.map((s) => s.title)).toEqual(['Scalability of Controlling MEMS Microrobots through Common Control Signal using Electrostatic Hysteresis']);
    expect(sections[0]!.text).toContain('A bold caption that goes on past its line and interrupts the body text');
  });

  it('keeps one section per page when nothing stands out', () => {
    const { sections } = layOut(content([[body('Plain text.', 700)], [body('More plain text.', 700)]]));
    expect(sections.map((s) => [s.title, s.metadata])).toEqual([
      ['', { page: 1 }],
      ['', { page: 2 }],
    ]);
  });
});

describe('through the upload route', () => {
  let gw: TestGateway;
  afterEach(() => gw?.close());
  afterAll(() => closeTestIssuer());

  it.each(['auto', 'pdfjs'])('puts each bookmarked part of a page in its own section (PDF_ENGINE=%s)', async (engine) => {
    gw = await startGateway({ PDF_ENGINE: engine, EXTRACT_WORKERS: '1' });
    const page = `BT /F1 12 Tf 72 720 Td 14 TL (Alpha) ' (Text about alpha.) ' ( ) ' (Beta) ' (Text about beta.) ' ET`;
    const bytes = pdf([page, textPage(['Second page.'])], { outline: [{ title: 'Alpha', page: 0 }, { title: 'Beta', page: 0 }] });
    const res = await request(gw.app)
      .post(`/v1/upload?c=${CUSTOMER}&o=${CORPUS}&d=true`)
      .set('Authorization', `Bearer ${await gw.token()}`)
      .attach('file', bytes, 'bookmarks.pdf');
    expect(res.status).toBe(200);
    const sections = res.body.document.section as { title: string; text: string }[];
    expect(sections.map((s) => [s.title, s.text])).toEqual([
      ['Alpha', 'Text about alpha.'],
      ['Beta', 'Text about beta.\n\nSecond page.'],
    ]);
  });
});
