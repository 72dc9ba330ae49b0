import { decoderFor } from './rtf-tables.js';

/** A paragraph of the body, with its outline level (0 = a level-1 heading) when it has one. */
export interface RtfParagraph {
  readonly text: string;
  readonly level: number | null;
}

/** Where text goes: the body, the footnotes, an \info field, a style's name, or nowhere. */
export type Sink = { kind: 'body' } | { kind: 'footnote' } | { kind: 'info'; key: string } | { kind: 'style'; entry: StyleEntry } | { kind: 'none' };

export interface StyleEntry {
  number: number;
  level: number | null;
  name: string;
}

/**
 * The text an RTF reader writes. Bytes (text runs, \'hh escapes) wait in `pending` until
 * something else is written, then are decoded together in their code page: a double-byte code
 * page (Shift-JIS, GBK) writes one character as two \'hh escapes.
 */
export class RtfOutput {
  readonly paragraphs: RtfParagraph[] = [];
  readonly footnotes: string[] = [];
  readonly info = new Map<string, string>();
  private paragraph: string[] = [];
  private pending: number[] = [];
  private pendingSink: Sink = { kind: 'none' };
  private pendingCodepage: number | null = null;

  constructor(private readonly bytes: Uint8Array) {}

  /** Input bytes [start, end) in this code page. */
  bytesFrom(sink: Sink, start: number, end: number, codepage: number | null): void {
    if (sink.kind === 'none') return;
    if (this.pending.length > 0 && (sink !== this.pendingSink || codepage !== this.pendingCodepage)) this.flush();
    let ascii = true;
    for (let i = start; i < end; i++) if (this.bytes[i]! >= 0x80) ascii = false;
    if (ascii && this.pending.length === 0) {
      this.write(sink, Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, end - start).toString('latin1'));
      return;
    }
    for (let i = start; i < end; i++) this.pending.push(this.bytes[i]!);
    this.pendingSink = sink;
    this.pendingCodepage = codepage;
  }

  byte(sink: Sink, byte: number, codepage: number | null): void {
    if (sink.kind === 'none') return;
    if (this.pending.length > 0 && (sink !== this.pendingSink || codepage !== this.pendingCodepage)) this.flush();
    this.pending.push(byte);
    this.pendingSink = sink;
    this.pendingCodepage = codepage;
  }

  text(sink: Sink, text: string): void {
    if (sink.kind === 'none') return;
    this.flush();
    this.write(sink, text);
  }

  /** The end of a paragraph: a new line in the footnotes, a new paragraph in the body. */
  endParagraph(sink: Sink, level: number | null): void {
    this.flush();
    if (sink.kind === 'footnote') this.footnotes.push('\n');
    if (sink.kind !== 'body') return;
    this.paragraphs.push({ text: this.paragraph.join(''), level });
    this.paragraph = [];
  }

  finish(): void {
    this.flush();
    if (this.paragraph.length > 0) this.paragraphs.push({ text: this.paragraph.join(''), level: null });
    this.paragraph = [];
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const text = decoderFor(this.pendingCodepage).decode(Uint8Array.from(this.pending));
    this.pending = [];
    this.write(this.pendingSink, text);
  }

  private write(sink: Sink, text: string): void {
    switch (sink.kind) {
      case 'body':
        this.paragraph.push(text);
        break;
      case 'footnote':
        this.footnotes.push(text);
        break;
      case 'info':
        this.info.set(sink.key, (this.info.get(sink.key) ?? '') + text);
        break;
      case 'style':
        sink.entry.name += text;
        break;
      case 'none':
        break;
    }
  }
}
