import { createRequire } from 'node:module';
import { ExtractionError } from '../../errors/index.js';
import { hasText, pruneEmpty, type DraftDocument, type DraftSection } from '../draft.js';
import type { RawContext } from '../parse-options.js';
import { garbledWarning, type ExtractionWarning } from '../text-normalize.js';
import { cleanTitle } from '../title.js';
import { decodeHtml } from './decode-html.js';
import { MAX_HTML_DEPTH } from './html-depth.js';
import { sectionsFromHtml } from './html-sections.js';
import { mainContent } from './main-content.js';
import { oneLine, parseHtml, readHead } from './parse-html.js';

const require = createRequire(import.meta.url);
export const LINKEDOM_VERSION = (require('linkedom/package.json') as { version: string }).version;
const READABILITY_VERSION = (require('@mozilla/readability/package.json') as { version: string }).version;

/**
 * An HTML page (.html, .htm, .xhtml, .lxml, or content that is a page): decoded (decode-html.ts),
 * parsed by linkedom (nothing run; scripts, styles and the like dropped), its main content chosen
 * (main-content.ts), and that content's headings made nested sections (html-sections.ts).
 */
export async function extractHtml(bytes: Uint8Array, context: RawContext): Promise<DraftDocument> {
  const decoded = decodeHtml(bytes);
  const { document, flattened, elements } = parseHtml(decoded.text);
  const head = readHead(document);
  const firstH1 = oneLine(document.querySelector('h1')?.textContent);
  const main = mainContent(document, elements);
  if (!main) throw new ExtractionError('NO_TEXT', 'the page has no body: there is no text to index');
  const { sections: built, firstHeading } = sectionsFromHtml(main.root);
  const sections = pruneEmpty(built);
  if (!hasText(sections)) throw new ExtractionError('NO_TEXT', 'the page has no text to index');

  const title = cleanTitle(head['title']) ?? cleanTitle(firstH1) ?? cleanTitle(firstHeading) ?? '';
  const warnings: ExtractionWarning[] = [];
  if (flattened > 0) warnings.push(flattenedWarning(flattened));
  const garbled = garbledWarning(allTexts(sections));
  if (garbled) warnings.push(garbled);
  const { title: headTitle, ...headRest } = head;
  return {
    title,
    metadata: {
      ...(cleanTitle(headTitle) ? { title: cleanTitle(headTitle) } : {}),
      ...headRest,
      charset: decoded.charset,
      mime_type: 'text/html',
      sha256: context.sha256,
      extractor: `linkedom@${LINKEDOM_VERSION}`,
      main_content: main.from === 'readability' ? `readability@${READABILITY_VERSION}` : 'body',
    },
    sections,
    warnings,
  };
}

export function flattenedWarning(count: number): ExtractionWarning {
  return {
    code: 'CONTENT_SKIPPED',
    message: `${count} element(s) nested deeper than ${MAX_HTML_DEPTH} levels were flattened into their parent; their text was kept`,
  };
}

export function allTexts(sections: readonly DraftSection[]): string[] {
  const out: string[] = [];
  for (const stack = [...sections]; stack.length > 0; ) {
    const s = stack.pop()!;
    out.push(s.title, s.text);
    stack.push(...s.children);
  }
  return out;
}
