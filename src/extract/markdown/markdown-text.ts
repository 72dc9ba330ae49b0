import type { Token, Tokens } from 'marked';
import { decodeEntities, htmlText } from './html-text.js';

/**
 * Plain text of marked's block tokens: code blocks kept as written, list items one per line
 * ("- item", "3. item", "[x] task"), tables one row per line with tab-separated cells, HTML blocks'
 * text without their tags, inline markup dropped (a link keeps its text, an image its alt text).
 */
export function blocksText(tokens: readonly Token[]): string {
  const parts: string[] = [];
  for (const token of tokens) {
    const text = blockText(token);
    if (text.trim() !== '') parts.push(text);
  }
  return parts.join('\n');
}

function blockText(token: Token): string {
  switch (token.type) {
    case 'space':
    case 'hr':
    case 'def':
      return '';
    case 'code':
      return (token as Tokens.Code).text;
    case 'heading':
    case 'paragraph':
      return inlineText((token as Tokens.Paragraph).tokens);
    case 'text': {
      const t = token as Tokens.Text;
      return t.tokens ? inlineText(t.tokens) : decodeEntities(t.text);
    }
    case 'blockquote':
      return blocksText((token as Tokens.Blockquote).tokens);
    case 'list':
      return listText(token as Tokens.List);
    case 'table':
      return tableText(token as Tokens.Table);
    case 'html':
      return htmlText((token as Tokens.HTML).text);
    default:
      return 'tokens' in token && Array.isArray(token.tokens) ? blocksText(token.tokens) : '';
  }
}

function listText(list: Tokens.List): string {
  const start = typeof list.start === 'number' ? list.start : 1;
  return list.items
    .map((item, i) => {
      const marker = list.ordered ? `${start + i}.` : '-';
      const task = item.task ? (item.checked ? '[x] ' : '[ ] ') : '';
      // marked leaves the task's checkbox as the item's first token in some versions: skip it.
      const body = blocksText(item.tokens.filter((t) => t.type !== 'checkbox'));
      return `${marker} ${task}${body}`;
    })
    .join('\n');
}

function tableText(table: Tokens.Table): string {
  const row = (cells: readonly Tokens.TableCell[]) => cells.map((c) => inlineText(c.tokens).replace(/\s+/g, ' ').trim()).join('\t');
  return [row(table.header), ...table.rows.map(row)].filter((r) => r.trim() !== '').join('\n');
}

/** Inline tokens to text: emphasis, links and code spans give their text; tags give nothing. */
export function inlineText(tokens: readonly Token[] | undefined): string {
  let out = '';
  for (const token of tokens ?? []) {
    switch (token.type) {
      case 'br':
        out += '\n';
        break;
      case 'codespan':
        out += (token as Tokens.Codespan).text; // as written: `&amp;` in code is literal
        break;
      case 'image':
        out += decodeEntities((token as Tokens.Image).text);
        break;
      case 'html':
        // An inline tag (<b>, <br>, <!-- -->): its text, when it has any (a comment has none).
        out += /^<br\s*\/?>$/i.test(token.raw.trim()) ? '\n' : htmlText(token.raw);
        break;
      case 'escape':
        out += (token as Tokens.Escape).text;
        break;
      case 'checkbox':
        break;
      default:
        if ('tokens' in token && Array.isArray(token.tokens) && token.tokens.length > 0) out += inlineText(token.tokens);
        else if ('text' in token && typeof token.text === 'string') out += decodeEntities(token.text);
    }
  }
  return out;
}
