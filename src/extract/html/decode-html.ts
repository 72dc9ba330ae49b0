import chardet from 'chardet';
import { decoderFor } from '../text-decoding.js';
import { asBuffer } from '../sniff.js';

/** How the page's bytes became text, and which encoding (its WHATWG name) was used. */
export interface DecodedHtml {
  readonly text: string;
  readonly charset: string;
  readonly from: 'bom' | 'declared' | 'detected' | 'default';
}

/** Where a page declares its encoding: the HTML spec's prescan reads the first 1024 bytes; pages put it later, so a little more is read. */
const PRESCAN_BYTES = 4096;
/** chardet reads this much at most (its cost grows with the input; a sample this size decides). */
const DETECT_BYTES = 256 * 1024;
/** chardet's confidence (0–100) below which its guess is not taken and windows-1252 is. */
const MIN_CONFIDENCE = 20;

/**
 * An HTML page's bytes as text: a byte-order mark first; then a `<meta charset>`, `http-equiv`
 * Content-Type or `<?xml encoding?>` declaration, used only when the bytes agree with it (a page
 * that says UTF-8 over windows-1256 bytes is common: the declaration is a template's, the bytes
 * the editor's); then UTF-8 when the bytes are valid UTF-8, then chardet, then windows-1252 (the
 * web's default for unlabelled pages). Decoding is Node's TextDecoder (full ICU).
 */
export function decodeHtml(bytes: Uint8Array): DecodedHtml {
  const buffer = asBuffer(bytes);
  const bom = byBom(buffer) ?? byZeroBytes(buffer);
  if (bom) return { text: decode(buffer.subarray(bom.skip), bom.charset)!, charset: bom.charset, from: 'bom' };
  const declared = declaredCharset(buffer);
  if (declared) {
    const text = decode(buffer, declared, true);
    if (text !== null && agrees(buffer, declared)) return { text, charset: declared, from: 'declared' };
  }
  const utf8 = decode(buffer, 'utf-8', true);
  if (utf8 !== null) return { text: utf8, charset: 'utf-8', from: 'detected' };
  const detected = detectCharset(buffer);
  if (detected) return { text: decode(buffer, detected)!, charset: detected, from: 'detected' };
  return { text: decode(buffer, 'windows-1252')!, charset: 'windows-1252', from: 'default' };
}

function byBom(b: Buffer): { charset: string; skip: number } | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { charset: 'utf-8', skip: 3 };
  if (b[0] === 0xff && b[1] === 0xfe) return { charset: 'utf-16le', skip: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { charset: 'utf-16be', skip: 2 };
  return null;
}

/**
 * UTF-16 without a byte-order mark: markup is mostly ASCII, so every other byte is zero — the odd
 * ones in little-endian, the even ones in big-endian (chardet takes such a page for Latin-1).
 */
function byZeroBytes(b: Buffer): { charset: string; skip: number } | null {
  const sample = Math.min(b.length, PRESCAN_BYTES) & ~1;
  if (sample < 16) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < sample; i += 2) {
    if (b[i] === 0) evenZero++;
    if (b[i + 1] === 0) oddZero++;
  }
  const half = sample / 2;
  if (oddZero > 0.6 * half && evenZero < 0.05 * half) return { charset: 'utf-16le', skip: 0 };
  if (evenZero > 0.6 * half && oddZero < 0.05 * half) return { charset: 'utf-16be', skip: 0 };
  return null;
}

/**
 * The encoding a page declares, as TextDecoder names it, or null (none, or a label it does not
 * know). A declared UTF-16 in a page whose declaration was readable as ASCII cannot be true (the
 * HTML spec reads it as UTF-8, and so does this).
 */
export function declaredCharset(b: Buffer): string | null {
  const head = b.subarray(0, PRESCAN_BYTES).toString('latin1');
  const label =
    /<meta\s[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head)?.[1] ?? /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([\w.:-]+)/i.exec(head)?.[1];
  if (!label) return null;
  const charset = encodingName(label);
  return charset?.startsWith('utf-16') ? 'utf-8' : charset;
}

/** TextDecoder's canonical name for a label ("latin1" → "windows-1252"), or null when it has none. */
function encodingName(label: string): string | null {
  try {
    return new TextDecoder(label.trim().toLowerCase()).encoding;
  } catch {
    return null;
  }
}

/** The bytes decoded, or null when `fatal` and they are not valid in that encoding. */
function decode(b: Uint8Array, charset: string, fatal = false): string | null {
  try {
    return decoderFor(charset, { fatal, ignoreBOM: true }).decode(b);
  } catch {
    return null;
  }
}

/**
 * Whether bytes that decode without error in the declared encoding are really in it. A legacy
 * (single- or double-byte) declaration over bytes that are valid UTF-8 with non-ASCII sequences is
 * a wrong declaration: such byte runs are vanishingly rare in other encodings' text. Otherwise a
 * legacy declaration stands unless chardet is sure the bytes are of another language's encoding
 * (e.g. windows-1256 Arabic declared as windows-1252).
 */
function agrees(b: Buffer, declared: string): boolean {
  if (declared === 'utf-8' || isAscii(b)) return true;
  if (decode(b, 'utf-8', true) !== null) return false;
  const best = chardet.analyse(b.subarray(0, DETECT_BYTES))[0];
  if (!best || best.confidence < 60 || !best.lang) return true;
  const guess = encodingName(best.name);
  return guess === declared || sameScript(guess, declared);
}

/** Encodings of the same script (chardet cannot tell ISO-8859-1 from windows-1252 or ISO-8859-15). */
function sameScript(a: string | null, b: string): boolean {
  const latin = /^(windows-125[02478]|iso-8859-(1|2|3|4|9|10|13|14|15|16))$/;
  return a !== null && latin.test(a) && latin.test(b);
}

function detectCharset(b: Buffer): string | null {
  const best = chardet.analyse(b.subarray(0, DETECT_BYTES)).find((m) => m.confidence >= MIN_CONFIDENCE && encodingName(m.name) !== null);
  const name = best ? encodingName(best.name) : null;
  // A guess the bytes are not valid in (a double-byte encoding, UTF-16 without a BOM) is not taken.
  return name && decode(b, name, true) !== null ? name : null;
}

function isAscii(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! > 0x7f) return false;
  return true;
}
