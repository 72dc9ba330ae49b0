import { draftSection, type DraftSection } from '../draft.js';
import { normalizeText } from '../text-normalize.js';
import { CDATA_SECTION_NODE, ELEMENT_NODE, oneLine, TEXT_NODE, type HtmlNode } from './parse-html.js';

/** Elements that begin and end a line of text (HTML's block-level and list/table-structure elements). */
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'dialog', 'dir', 'div', 'dl', 'dt', 'fieldset',
  'figcaption', 'figure', 'footer', 'form', 'header', 'hgroup', 'hr', 'html', 'legend', 'li', 'listing', 'main', 'menu', 'nav', 'ol', 'p',
  'plaintext', 'pre', 'section', 'summary', 'table', 'tbody', 'tfoot', 'thead', 'ul', 'option', 'optgroup',
]);
const HEADING = /^h([1-6])$/;
const SPACES = /[\t\n\f\r \u00a0]+/g;

export interface HtmlSections {
  readonly sections: DraftSection[];
  /** The first heading's text: a page's title when it has no <title>. */
  readonly firstHeading: string | null;
}

/**
 * A DOM subtree as sections: h1–h6 open sections nested by level (metadata heading_level); text
 * before the first heading goes into an untitled leading section. Block elements and <br> end
 * lines, a list item is a line, a table row is a line of tab-separated cells (a cell's own blocks
 * and nested tables run on inside it); <pre> keeps its line breaks. Walked with an explicit stack,
 * never by recursion.
 */
export function sectionsFromHtml(root: HtmlNode): HtmlSections {
  const builder = new SectionBuilder();
  const stack: { node: HtmlNode; exit: boolean }[] = [{ node: root, exit: false }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { node, exit } = item;
    if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) {
      builder.text(node.textContent ?? '');
      continue;
    }
    if (node.nodeType !== ELEMENT_NODE) continue;
    const name = (node.localName ?? '').toLowerCase();
    if (exit) {
      builder.leave(name);
      continue;
    }
    if (node.getAttribute?.('hidden') != null) continue; // the `hidden` attribute: never shown
    if (!builder.enter(name, node)) continue;
    stack.push({ node, exit: true });
    const children = node.childNodes;
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, exit: false });
  }
  return builder.finish();
}

class SectionBuilder {
  private readonly root: DraftSection[] = [];
  private readonly open: { level: number; section: DraftSection }[] = [];
  private lead: DraftSection | null = null;
  private line = '';
  private inCell = 0;
  private inPre = 0;
  private cellsInRow = 0;
  private firstHeading: string | null = null;

  /** Whether to walk into the element. */
  enter(name: string, node: HtmlNode): boolean {
    if (name === 'head' || name === 'title') return false;
    const heading = HEADING.exec(name);
    if (heading && this.inCell === 0) {
      this.heading(Number(heading[1]), oneLine(node.textContent));
      return false;
    }
    if (name === 'br') this.breakLine();
    else if (name === 'td' || name === 'th') this.cell();
    else if (name === 'tr' || BLOCK.has(name)) this.breakLine();
    if (name === 'pre' || name === 'listing' || name === 'plaintext') this.inPre++;
    return true;
  }

  leave(name: string): void {
    if (name === 'td' || name === 'th') this.inCell--;
    else if (name === 'tr' && this.inCell === 0) {
      this.breakLine();
      this.cellsInRow = 0;
    } else if (BLOCK.has(name)) this.breakLine();
    if (name === 'pre' || name === 'listing' || name === 'plaintext') this.inPre--;
  }

  text(raw: string): void {
    if (this.inPre > 0 && this.inCell === 0) {
      const lines = raw.split(/\r\n?|\n/);
      lines.forEach((l, i) => {
        if (i > 0) this.breakLine(true);
        this.line += l;
      });
      return;
    }
    this.line += raw.replace(SPACES, ' ');
  }

  finish(): { sections: DraftSection[]; firstHeading: string | null } {
    this.breakLine();
    const all: DraftSection[] = [];
    for (const stack = [...this.root]; stack.length > 0; ) {
      const s = stack.pop()!;
      all.push(s);
      stack.push(...s.children);
    }
    for (const s of all) s.text = normalizeText(s.text);
    return { sections: this.root, firstHeading: this.firstHeading };
  }

  private cell(): void {
    if (this.inCell === 0 && this.cellsInRow++ > 0) this.line += '\t';
    else if (this.inCell > 0) this.line += ' ';
    this.inCell++;
  }

  /** Ends the line (inside a table cell: a space, the row stays one line). */
  private breakLine(keepEmpty = false): void {
    if (this.inCell > 0) {
      this.line += ' ';
      return;
    }
    const line = this.inPre > 0 ? this.line.replace(/\s+$/, '') : this.line.replace(/ {2,}/g, ' ').replace(/ ?\t ?/g, '\t').trim();
    this.line = '';
    if (line === '' && !keepEmpty) return;
    const section = this.current();
    section.text = section.text === '' ? line : `${section.text}\n${line}`;
  }

  private heading(level: number, title: string): void {
    this.breakLine();
    if (title === '') return;
    this.firstHeading ??= title;
    while (this.open.length > 0 && this.open[this.open.length - 1]!.level >= level) this.open.pop();
    const section = draftSection(title, '', { heading_level: level });
    (this.open.length > 0 ? this.open[this.open.length - 1]!.section.children : this.root).push(section);
    this.open.push({ level, section });
  }

  private current(): DraftSection {
    const top = this.open[this.open.length - 1];
    if (top) return top.section;
    if (!this.lead) this.root.push((this.lead = draftSection('', '')));
    return this.lead;
  }
}
