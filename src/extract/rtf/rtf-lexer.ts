/**
 * RTF's tokens (RTF 1.9.1 spec, "Conventions of an RTF reader"): group braces, control words
 * (`\name` with an optional signed number, one space after it eaten), control symbols (`\~`),
 * hex escapes (`\'e9`) and runs of text bytes. `\binN` skips N bytes of binary data here, so the
 * reader never sees them. One pass over the bytes, no backtracking: linear time on any input.
 */
export type RtfToken =
  | { readonly kind: 'open' | 'close' }
  | { readonly kind: 'word'; readonly name: string; readonly param: number | null }
  | { readonly kind: 'symbol'; readonly char: string }
  | { readonly kind: 'hex'; readonly byte: number }
  /** Bytes [start, end) of the input: plain text, still in the document's code page. */
  | { readonly kind: 'text'; readonly start: number; readonly end: number };

const BACKSLASH = 0x5c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const CR = 0x0d;
const LF = 0x0a;
/** The spec caps names at 32 letters and parameters at a signed 16-bit number; longer ones are read whole, kept cut. */
const MAX_NAME = 32;
const MAX_DIGITS = 10;

const isLetter = (b: number) => (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a);
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;

const OPEN_TOKEN: RtfToken = { kind: 'open' };
const CLOSE_TOKEN: RtfToken = { kind: 'close' };
const PAR_TOKEN: RtfToken = { kind: 'word', name: 'par', param: null };

export class RtfLexer {
  private pos = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** The next token, or null at the end of the input. */
  next(): RtfToken | null {
    const b = this.bytes;
    while (this.pos < b.length) {
      const c = b[this.pos]!;
      if (c === OPEN) return this.pos++, OPEN_TOKEN;
      if (c === CLOSE) return this.pos++, CLOSE_TOKEN;
      if (c === BACKSLASH) {
        const token = this.control();
        if (token) return token;
        continue; // a broken \' escape or \bin data: nothing to return, read on (a loop, never recursion)
      }
      if (c === CR || c === LF) {
        this.pos++; // line ends in RTF source are not text
        continue;
      }
      const start = this.pos;
      while (this.pos < b.length) {
        const d = b[this.pos]!;
        if (d === OPEN || d === CLOSE || d === BACKSLASH || d === CR || d === LF) break;
        this.pos++;
      }
      return { kind: 'text', start, end: this.pos };
    }
    return null;
  }

  private control(): RtfToken | undefined {
    const b = this.bytes;
    this.pos++; // the backslash
    if (this.pos >= b.length) return undefined;
    const c = b[this.pos]!;
    if (isLetter(c)) return this.word();
    this.pos++;
    if (c === CR || c === LF) return PAR_TOKEN; // "\<newline>" is a \par
    if (c === 0x27) {
      // \'hh: two hex digits, else the escape is dropped
      const hex = String.fromCharCode(b[this.pos] ?? 0, b[this.pos + 1] ?? 0);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        this.pos += 2;
        return { kind: 'hex', byte: parseInt(hex, 16) };
      }
      return undefined;
    }
    return { kind: 'symbol', char: String.fromCharCode(c) };
  }

  private word(): RtfToken | undefined {
    const b = this.bytes;
    const start = this.pos;
    while (this.pos < b.length && isLetter(b[this.pos]!)) this.pos++;
    const name = Buffer.from(b.buffer, b.byteOffset + start, Math.min(this.pos - start, MAX_NAME)).toString('latin1');
    let param: number | null = null;
    const negative = b[this.pos] === 0x2d && isDigit(b[this.pos + 1] ?? 0);
    if (negative) this.pos++;
    if (isDigit(b[this.pos] ?? 0)) {
      const digits = this.pos;
      while (this.pos < b.length && isDigit(b[this.pos]!)) this.pos++;
      param = Number(Buffer.from(b.buffer, b.byteOffset + digits, Math.min(this.pos - digits, MAX_DIGITS)).toString('latin1'));
      if (negative) param = -param;
    }
    if (b[this.pos] === 0x20) this.pos++; // the delimiting space belongs to the control word
    if (name === 'bin' && param !== null && param > 0) {
      this.pos = Math.min(b.length, this.pos + param); // binary data, never text
      return undefined;
    }
    return { kind: 'word', name, param };
  }
}
