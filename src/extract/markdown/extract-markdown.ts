import { createRequire } from 'node:module';
import { Lexer, type Token, type Tokens } from 'marked';
import { ExtractionError, InvalidRequestError } from '../../errors/index.js';
import { draftSection, hasText, pruneEmpty, type DraftDocument, type DraftSection } from '../draft.js';
import type { RawContext } from '../parse-options.js';
import { garbledWarning, normalizeText } from '../text-normalize.js';
import { cleanTitle } from '../title.js';
import { splitFrontMatter } from './front-matter.js';
import { blocksText, inlineText } from './markdown-text.js';

const MARKED_VERSION = (createRequire(import.meta.url)('marked/package.json') as { version: string }).version;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Markdown (CommonMark + GFM, by marked's lexer; nothing is rendered): YAML front matter →
 * metadata, ATX and setext headings → sections nested by level, the rest as plain text.
 * Title: the front matter's `title`, else the first level-1 heading.
 */
export async function extractMarkdown(bytes: Uint8Array, context: RawContext): Promise<DraftDocument> {
  let raw: string;
  try {
    raw = utf8.decode(bytes);
  } catch {
    throw new InvalidRequestError('INVALID_TEXT', 'the markdown file is not valid UTF-8');
  }
  const front = splitFrontMatter(raw.replace(/\r\n?/g, '\n'));
  const { sections: built, firstH1 } = withinStack(() => bodySections(lex(front.body)));
  const sections = pruneEmpty(built);
  if (!hasText(sections)) throw new ExtractionError('NO_TEXT', 'the markdown file has no text to index');

  const fmTitle = typeof front.metadata['title'] === 'string' ? cleanTitle(front.metadata['title']) : null;
  const title = fmTitle ?? firstH1 ?? '';
  const garbled = garbledWarning(allTexts(sections));
  return {
    title,
    metadata: {
      ...front.metadata,
      ...(title ? { title } : {}),
      mime_type: 'text/markdown',
      sha256: context.sha256,
      extractor: `marked@${MARKED_VERSION}`,
    },
    sections,
    warnings: [...front.warnings, ...(garbled ? [garbled] : [])],
  };
}

/**
 * Inline runs (a paragraph, a heading, a table cell) longer than this are kept as written, not
 * inline-lexed: marked's emphasis matching is quadratic in a run's length (1 MB of "_a" as one
 * paragraph took minutes; at this cap a 1 MB file of such runs takes seconds).
 */
export const MAX_INLINE_RUN = 4096;

/**
 * marked's lexer in its two passes (Lexer.lex does the same): block tokens first, then each
 * queued inline run, unless it is longer than MAX_INLINE_RUN.
 */
function lex(markdown: string): Token[] {
  try {
    const lexer = new Lexer({ gfm: true, breaks: false });
    const tokens = lexer.blockTokens(markdown, lexer.tokens);
    for (const run of lexer.inlineQueue) {
      lexer.state.inRawBlock = false;
      if (run.src.length <= MAX_INLINE_RUN) lexer.inlineTokens(run.src, run.tokens);
      else run.tokens.push({ type: 'text', raw: run.src, text: run.src });
    }
    lexer.inlineQueue = [];
    return tokens;
  } catch (err) {
    if (err instanceof RangeError) throw err; // withinStack's to answer
    throw new ExtractionError('CORRUPT', `the markdown cannot be read: ${(err as Error).message}`);
  }
}

/**
 * marked's lexer and the token walk here recurse once per nesting level (blockquotes, lists,
 * emphasis): thousands of `>` overflow the stack, a resource limit of this file, not a crash.
 */
function withinStack<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof RangeError && /call stack/i.test(err.message)) {
      throw new ExtractionError('EXTRACTION_RESOURCE_LIMIT', 'the markdown nests too deep (blockquotes, lists or emphasis) to be read');
    }
    throw err;
  }
}

/**
 * Top-level headings open sections nested by level (a heading inside a list or a quote stays
 * text); text before the first heading goes into a leading untitled section.
 */
function bodySections(tokens: readonly Token[]): { sections: DraftSection[]; firstH1: string | null } {
  const root: DraftSection[] = [];
  const stack: { level: number; section: DraftSection; blocks: Token[] }[] = [];
  const lead = { level: 0, section: draftSection('', ''), blocks: [] as Token[] };
  root.push(lead.section);
  const all = [lead];
  let firstH1: string | null = null;
  for (const token of tokens) {
    if (token.type !== 'heading') {
      (stack[stack.length - 1] ?? lead).blocks.push(token);
      continue;
    }
    const heading = token as Tokens.Heading;
    const title = normalizeText(inlineText(heading.tokens)).replace(/\s+/g, ' ');
    if (heading.depth === 1 && title) firstH1 ??= cleanTitle(title);
    while (stack.length > 0 && stack[stack.length - 1]!.level >= heading.depth) stack.pop();
    const open = { level: heading.depth, section: draftSection(title, '', { heading_level: heading.depth }), blocks: [] as Token[] };
    (stack.length > 0 ? stack[stack.length - 1]!.section.children : root).push(open.section);
    stack.push(open);
    all.push(open);
  }
  for (const s of all) s.section.text = normalizeText(blocksText(s.blocks));
  return { sections: root, firstH1 };
}

function allTexts(sections: readonly DraftSection[]): string[] {
  return sections.flatMap((s) => [s.text, ...allTexts(s.children)]);
}
