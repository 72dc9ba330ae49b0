import type { Ole2File } from './ole2-reader.js';
import { decoderFor } from '../text-decoding.js';

/** What the Word FIB's base says about the document ([MS-DOC] 2.5.2 FibBase). */
export interface FibFacts {
  /** nFib: 0x00C1 for Word 97 and later; Word 6.0/95 wrote 0x0065–0x0068. */
  readonly version: number;
  /** fEncrypted: RC4 (or XOR, with fObfuscated) password protection. */
  readonly encrypted: boolean;
}

/** The FibBase of the WordDocument stream, or null when the stream is too short or not Word's. */
export function readFib(wordDocument: Buffer): FibFacts | null {
  if (wordDocument.length < 32 || wordDocument.readUInt16LE(0) !== 0xa5ec) return null;
  const flags = wordDocument.readUInt16LE(0x0a);
  return { version: wordDocument.readUInt16LE(2), encrypted: (flags & 0x0100) !== 0 };
}

/** SummaryInformation ([MS-OLEPS]) fields the Document's metadata names. */
export interface SummaryInformation {
  title?: string;
  subject?: string;
  author?: string;
  keywords?: string;
  lastAuthor?: string;
  created?: string;
  modified?: string;
}

const FIELDS: Readonly<Record<number, keyof SummaryInformation>> = { 2: 'title', 3: 'subject', 4: 'author', 5: 'keywords', 8: 'lastAuthor', 12: 'created', 13: 'modified' };
const VT_LPSTR = 30;
const VT_LPWSTR = 31;
const VT_FILETIME = 64;
const PID_CODEPAGE = 1;
/** Milliseconds from 1601-01-01 (FILETIME's epoch) to 1970-01-01. */
const FILETIME_EPOCH_MS = 11_644_473_600_000;

/**
 * The "\x05SummaryInformation" stream's title, author, dates. Metadata is a nicety: a damaged
 * property set gives no metadata, never a failed upload.
 */
export function readSummaryInformation(ole: Ole2File): SummaryInformation {
  try {
    const stream = ole.stream('\u0005SummaryInformation');
    return stream ? parsePropertySet(stream) : {};
  } catch {
    return {};
  }
}

function parsePropertySet(b: Buffer): SummaryInformation {
  if (b.readUInt16LE(0) !== 0xfffe || b.readUInt32LE(24) < 1) return {};
  const section = b.readUInt32LE(44);
  const count = Math.min(b.readUInt32LE(section + 4), 1000);
  const props = new Map<number, number>();
  for (let i = 0; i < count; i++) props.set(b.readUInt32LE(section + 8 + i * 8), section + b.readUInt32LE(section + 12 + i * 8));
  const codepageAt = props.get(PID_CODEPAGE);
  const codepage = codepageAt !== undefined && b.readUInt16LE(codepageAt) === 2 ? b.readUInt16LE(codepageAt + 4) : 1252;
  const out: SummaryInformation = {};
  for (const [id, key] of Object.entries(FIELDS)) {
    const at = props.get(Number(id));
    if (at === undefined) continue;
    const value = readValue(b, at, codepage);
    if (value) out[key] = value;
  }
  return out;
}

function readValue(b: Buffer, at: number, codepage: number): string | undefined {
  const type = b.readUInt16LE(at);
  if (type === VT_LPSTR) {
    const size = b.readUInt32LE(at + 4);
    const raw = b.subarray(at + 8, at + 8 + Math.min(size, 64 * 1024));
    return decode(raw, codepage).replace(/\0[\s\S]*$/, '').trim() || undefined;
  }
  if (type === VT_LPWSTR) {
    const chars = Math.min(b.readUInt32LE(at + 4), 32 * 1024);
    return b.toString('utf16le', at + 8, at + 8 + chars * 2).replace(/\0[\s\S]*$/, '').trim() || undefined;
  }
  if (type === VT_FILETIME) {
    const ticks = b.readBigUInt64LE(at + 4);
    if (ticks === 0n) return undefined;
    const ms = Number(ticks / 10_000n) - FILETIME_EPOCH_MS;
    const date = new Date(ms);
    // A zero-ish or absurd FILETIME (an edit duration stored in the wrong field) is not a date.
    return ms > 0 && !Number.isNaN(date.getTime()) && date.getUTCFullYear() < 3000 ? date.toISOString() : undefined;
  }
  return undefined;
}

/** A code-page string: UTF-8 (65001), a windows-125x page, else latin1. */
function decode(raw: Buffer, codepage: number): string {
  if (codepage === 65001) return raw.toString('utf8');
  if (codepage === 1200) return raw.toString('utf16le');
  try {
    return decoderFor(`windows-${codepage}`).decode(raw);
  } catch {
    return raw.toString('latin1');
  }
}
