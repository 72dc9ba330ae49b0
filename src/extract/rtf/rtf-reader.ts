import { ExtractionError } from '../../errors/index.js';
import { RtfLexer, type RtfToken } from './rtf-lexer.js';
import { RtfOutput, type RtfParagraph, type Sink, type StyleEntry } from './rtf-output.js';
import { CHAR_SYMBOLS, CHAR_WORDS, charsetCodepage, INFO_DATES, INFO_FIELDS, PARAGRAPH_ENDS, SKIPPED_DESTINATIONS } from './rtf-tables.js';

/** Real documents nest groups a few dozen deep; past this the file is refused (each level holds a state). */
export const MAX_GROUP_DEPTH = 1000;

type Destination = 'body' | 'footnote' | 'skip' | 'info' | 'info-field' | 'info-date' | 'fonttbl' | 'stylesheet' | 'style';

/** Group state: RTF saves it at `{` and restores it at `}`. */
interface State {
  dest: Destination;
  sink: Sink;
  /** \ucN: how many fallback characters follow a \uN. */
  uc: number;
  /** \fN in the body; the font being defined (\fN) in the font table. */
  font: number | null;
  hidden: boolean;
  /** \outlinelevelN of the paragraph (0 = level-1 heading), \sN its style. */
  outline: number | null;
  style: number;
  /** The \info date being read (\creatim, \revtim). */
  date: string | null;
}

export interface RtfContent {
  readonly paragraphs: readonly RtfParagraph[];
  readonly footnotes: string;
  readonly info: ReadonlyMap<string, string>;
  readonly dates: ReadonlyMap<string, Partial<Record<string, number>>>;
}

const BODY: Sink = { kind: 'body' };
const FOOTNOTE: Sink = { kind: 'footnote' };
const NONE: Sink = { kind: 'none' };

/** Reads an RTF file's text, \info fields and paragraph outline levels. */
export function readRtf(bytes: Uint8Array): RtfContent {
  return new RtfReader(bytes).read();
}

class RtfReader {
  private readonly out: RtfOutput;
  private readonly lexer: RtfLexer;
  private readonly stack: State[] = [];
  private state: State = { dest: 'body', sink: BODY, uc: 1, font: null, hidden: false, outline: null, style: 0, date: null };
  private ansiCodepage: number | null = 1252;
  private defaultFont: number | null = null;
  private readonly fonts = new Map<number, number | null>();
  private readonly styles = new Map<number, number>();
  private readonly dates = new Map<string, Partial<Record<string, number>>>();
  /** Fallback characters of the last \uN still to skip. */
  private skip = 0;

  constructor(bytes: Uint8Array) {
    this.out = new RtfOutput(bytes);
    this.lexer = new RtfLexer(bytes);
  }

  read(): RtfContent {
    for (let token = this.lexer.next(); token; token = this.lexer.next()) {
      if (!this.token(token)) break;
    }
    this.out.finish();
    const footnotes = this.out.footnotes.join('');
    return { paragraphs: this.out.paragraphs, footnotes, info: this.out.info, dates: this.dates };
  }

  /** False once the document's outer group has closed: whatever follows is not RTF. */
  private token(token: RtfToken): boolean {
    if (token.kind === 'open') return this.open();
    if (token.kind === 'close') return this.close();
    if (this.state.dest === 'skip') return true;
    switch (token.kind) {
      case 'text': {
        let start = token.start;
        if (this.skip > 0) {
          const dropped = Math.min(this.skip, token.end - start);
          this.skip -= dropped;
          start += dropped;
        }
        if (start < token.end && !this.state.hidden) this.out.bytesFrom(this.state.sink, start, token.end, this.codepage());
        return true;
      }
      case 'hex':
        if (this.skip > 0) this.skip--;
        else if (!this.state.hidden) this.out.byte(this.state.sink, token.byte, this.codepage());
        return true;
      case 'symbol':
        if (this.skip > 0) this.skip--;
        else this.symbol(token.char);
        return true;
      case 'word':
        if (this.skip > 0 && token.name !== 'u') this.skip--;
        else this.word(token.name, token.param);
        return true;
    }
  }

  private open(): boolean {
    this.skip = 0;
    if (this.stack.length >= MAX_GROUP_DEPTH) {
      throw new ExtractionError('EXTRACTION_RESOURCE_LIMIT', `the RTF nests groups more than ${MAX_GROUP_DEPTH} deep`);
    }
    this.out.flush();
    this.stack.push(this.state);
    this.state = { ...this.state };
    if (this.state.dest === 'stylesheet') this.enter('style', { kind: 'style', entry: { number: 0, level: null, name: '' } });
    return true;
  }

  private close(): boolean {
    this.skip = 0;
    this.out.flush();
    const closed = this.state;
    const outer = this.stack.pop();
    if (!outer) return false;
    this.state = outer;
    if (closed.dest === 'style' && outer.dest !== 'style' && closed.sink.kind === 'style') this.defineStyle(closed.sink.entry);
    return this.stack.length > 0;
  }

  private enter(dest: Destination, sink: Sink = NONE): void {
    this.out.flush();
    this.state.dest = dest;
    this.state.sink = sink;
  }

  private symbol(char: string): void {
    if (char === '*') return this.enter('skip'); // an ignorable destination this reader does not know
    const text = CHAR_SYMBOLS[char];
    if (text !== undefined && !this.state.hidden) this.out.text(this.state.sink, text);
  }

  private codepage(): number | null {
    const font = this.state.dest === 'body' || this.state.dest === 'footnote' ? (this.state.font ?? this.defaultFont) : null;
    const byFont = font === null ? undefined : this.fonts.get(font);
    return byFont ?? this.ansiCodepage;
  }

  private defineStyle(entry: StyleEntry): void {
    const named = /^heading\s*([1-9])\b/i.exec(entry.name.trim());
    const level = entry.level ?? (named ? Number(named[1]) - 1 : null);
    if (level !== null && level >= 0 && level <= 8) this.styles.set(entry.number, level);
  }

  /** The paragraph's outline level: its own \outlinelevel, else its style's. */
  private paragraphLevel(): number | null {
    const level = this.state.outline ?? this.styles.get(this.state.style) ?? null;
    return level !== null && level >= 0 && level <= 8 ? level : null;
  }

  private word(name: string, param: number | null): void {
    const s = this.state;
    if (this.destinationWord(name)) return;
    if (s.dest === 'info-date') {
      if (s.date && ['yr', 'mo', 'dy', 'hr', 'min', 'sec'].includes(name) && param !== null) this.dates.get(s.date)![name] = param;
      return;
    }
    if (this.tableWord(name, param)) return;
    switch (name) {
      case 'u':
        if (param !== null && !s.hidden) this.out.text(s.sink, String.fromCharCode(param < 0 ? param + 65536 : param & 0xffff));
        this.skip = s.uc;
        return;
      case 'uc':
        s.uc = Math.max(0, Math.min(param ?? 1, 10));
        return;
      case 'pard':
        s.outline = null;
        s.style = 0;
        return;
      case 'plain':
        s.font = null;
        s.hidden = false;
        return;
      case 'v':
        s.hidden = param !== 0;
        return;
      case 'outlinelevel':
        s.outline = param;
        return;
      case 's':
        s.style = param ?? 0;
        return;
      case 'f':
        s.font = param;
        return;
    }
    const char = CHAR_WORDS[name];
    if (char !== undefined) {
      if (!s.hidden) this.out.text(s.sink, char);
    } else if (PARAGRAPH_ENDS.has(name)) {
      this.out.endParagraph(s.sink, this.paragraphLevel());
    }
  }

  /** Control words that start a destination: true when `name` was one. */
  private destinationWord(name: string): boolean {
    if (SKIPPED_DESTINATIONS.has(name)) return this.enter('skip'), true;
    const dest = this.state.dest;
    if (name === 'fonttbl') return this.enter('fonttbl'), true;
    if (name === 'stylesheet') return this.enter('stylesheet'), true;
    if (name === 'info') return this.enter('info'), true;
    if (name === 'footnote' && (dest === 'body' || dest === 'footnote')) return this.enter('footnote', FOOTNOTE), true;
    if (dest !== 'info') return false;
    const key = INFO_FIELDS[name];
    if (key) return this.enter('info-field', { kind: 'info', key }), true;
    const date = INFO_DATES[name];
    if (date) {
      this.enter('info-date');
      this.state.date = date;
      this.dates.set(date, {});
      return true;
    }
    return false;
  }

  /** Document-wide settings and the font and style tables' words: true when `name` was one. */
  private tableWord(name: string, param: number | null): boolean {
    const s = this.state;
    if (name === 'ansicpg' && param !== null && param > 0) this.ansiCodepage = param;
    else if (name === 'mac') this.ansiCodepage = 10000;
    else if (name === 'pc') this.ansiCodepage = 437;
    else if (name === 'pca') this.ansiCodepage = 850;
    else if (name === 'deff') this.defaultFont = param;
    else if (s.dest === 'fonttbl' && name === 'f') s.font = param;
    else if (s.dest === 'fonttbl' && name === 'fcharset' && s.font !== null && param !== null) this.fonts.set(s.font, charsetCodepage(param));
    else if (s.dest === 'fonttbl' && name === 'cpg' && s.font !== null && param !== null) this.fonts.set(s.font, param);
    else if (s.dest === 'style' && s.sink.kind === 'style' && name === 's') s.sink.entry.number = param ?? 0;
    else if (s.dest === 'style' && s.sink.kind === 'style' && name === 'outlinelevel') s.sink.entry.level = param;
    else return s.dest === 'fonttbl' || s.dest === 'stylesheet' || s.dest === 'style' || s.dest === 'info';
    return true;
  }
}
