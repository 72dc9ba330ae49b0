import { Readability } from '@mozilla/readability';
import { elementBudget, type HtmlDocument, type HtmlNode } from './parse-html.js';

/**
 * Pages shorter than this (words of body text) are kept whole: their boilerplate is a few words,
 * and Readability's scoring — built for articles, its own threshold is 500 characters — drops real
 * paragraphs of short pages (a two-paragraph page with a link bar loses a paragraph as often as
 * the bar), which costs far more than a few menu words kept.
 */
export const SMALL_PAGE_WORDS = 300;
/**
 * On longer pages Readability's article is taken when it holds at least this share of the body's
 * words. Less means it settled on a fragment (a comment box, a teaser) instead of the article:
 * the whole body is kept then. A news page's article is typically 30–80 % of its words.
 */
export const MIN_ARTICLE_SHARE = 0.25;
/**
 * Readability works on a copy of the page and scores its nodes: it runs only on pages of at most
 * this share of the element budget (elementBudget), larger pages being kept whole. So large pages
 * are mostly documents (specifications, books on one page), not an article inside a site's frame.
 */
const READABILITY_BUDGET_SHARE = 1 / 3;

export interface MainContent {
  readonly root: HtmlNode;
  /** 'readability': navigation, sidebars and footers dropped; 'body': the whole body kept. */
  readonly from: 'readability' | 'body';
}

/** The part of the page that is its content (see SMALL_PAGE_WORDS and MIN_ARTICLE_SHARE). */
export function mainContent(document: HtmlDocument, elements: number): MainContent | null {
  const body = document.body ?? document.documentElement;
  if (!body) return null;
  const bodyWords = countWords(body.textContent ?? '');
  if (bodyWords < SMALL_PAGE_WORDS || elements > elementBudget() * READABILITY_BUDGET_SHARE) return { root: body, from: 'body' };
  const article = readArticle(document);
  if (article && countWords(article.textContent ?? '') >= MIN_ARTICLE_SHARE * bodyWords) return { root: article, from: 'readability' };
  return { root: body, from: 'body' };
}

/** Readability's article element, on a copy (it rewrites the tree it reads), or null. */
function readArticle(document: HtmlDocument): HtmlNode | null {
  try {
    const reader = new Readability<HtmlNode>(document.cloneNode(true) as never, { serializer: (node) => node as unknown as HtmlNode });
    return reader.parse()?.content ?? null;
  } catch {
    // Readability expects a browser's DOM; where linkedom's differs, the page is kept whole.
    return null;
  }
}

export function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x0c || c === 0xa0;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}
