import { decoderFor as decoderOfLabel, windows1252, type Decoder } from '../text-decoding.js';

/**
 * What the RTF reader knows by name. Everything else is skipped: an unknown control word changes
 * nothing, an unknown destination inside `{\* … }` is dropped whole (the spec's rule).
 */

/**
 * Destinations whose content is never document text: tables (fonts, colours, styles, lists,
 * revisions), pictures and embedded objects' data, field instructions (the text shown is in
 * \fldrslt), headers and footers (running text, like the docx path), comments, bookmarks, index
 * and TOC entries, document variables, shape properties.
 */
export const SKIPPED_DESTINATIONS: ReadonlySet<string> = new Set([
  'colortbl', 'listtable', 'listoverridetable', 'revtbl', 'rsidtbl', 'filetbl', 'generator', 'xmlnstbl', 'latentstyles',
  'pict', 'objdata', 'objclass', 'objname', 'objalias', 'objsect', 'objtime', 'datastore', 'themedata', 'colorschememapping',
  'fldinst', 'datafield', 'formfield', 'header', 'headerl', 'headerr', 'headerf', 'footer', 'footerl', 'footerr', 'footerf',
  'annotation', 'atnid', 'atnauthor', 'atndate', 'atnref', 'bkmkstart', 'bkmkend', 'xe', 'tc', 'tcn', 'docvar', 'template',
  'pn', 'pntxta', 'pntxtb', 'sp', 'sn', 'sv', 'nonshppict', 'mmathPict', 'passwordhash', 'private', 'txe', 'userprops',
  'wgrffmtfilter', 'fchars', 'lchars', 'pgdsctbl', 'protusertbl', 'defchp', 'defpap', 'stylerestrictions', 'mmathPr',
]);

/** \info's text fields, by their metadata key. */
export const INFO_FIELDS: Readonly<Record<string, string>> = {
  title: 'title',
  subject: 'subject',
  author: 'author',
  keywords: 'keywords',
  doccomm: 'comments',
  category: 'category',
};
/** \info's dates, by their metadata key. */
export const INFO_DATES: Readonly<Record<string, string>> = { creatim: 'created', revtim: 'modified' };

/** Control words that stand for a character. */
export const CHAR_WORDS: Readonly<Record<string, string>> = {
  line: '\n',
  tab: '\t',
  cell: '\t',
  nestcell: '\t',
  lquote: '\u2018',
  rquote: '\u2019',
  ldblquote: '\u201c',
  rdblquote: '\u201d',
  bullet: '\u2022',
  endash: '\u2013',
  emdash: '\u2014',
  enspace: ' ',
  emspace: ' ',
  qmspace: ' ',
  zwj: '\u200d',
  zwnj: '\u200c',
};

/** Control words that end a paragraph (a table row ends one line of tab-separated cells). */
export const PARAGRAPH_ENDS: ReadonlySet<string> = new Set(['par', 'sect', 'page', 'row', 'nestrow']);

/** Control symbols: `\~` no-break space, `\_` no-break hyphen, `\-` optional hyphen (not text). */
export const CHAR_SYMBOLS: Readonly<Record<string, string>> = { '\\': '\\', '{': '{', '}': '}', '~': '\u00a0', _: '\u2011', '-': '', '\t': '\t' };

/** \fcharsetN → the code page its \'hh bytes are in (0 and 1: the document's \ansicpg). */
const CHARSET_CODEPAGE: Readonly<Record<number, number>> = {
  77: 10000, 128: 932, 129: 949, 130: 1361, 134: 936, 136: 950, 161: 1253, 162: 1254, 163: 1258,
  177: 1255, 178: 1256, 186: 1257, 204: 1251, 222: 874, 238: 1250, 254: 437,
};

export function charsetCodepage(charset: number): number | null {
  return CHARSET_CODEPAGE[charset] ?? null;
}

/** Windows code page → a WHATWG encoding label TextDecoder knows; windows-1252 when it knows none. */
export function encodingOf(codepage: number | null): string {
  if (codepage === null) return 'windows-1252';
  if ((codepage >= 1250 && codepage <= 1258) || codepage === 874) return `windows-${codepage}`;
  const named: Record<number, string> = { 932: 'shift_jis', 936: 'gbk', 949: 'euc-kr', 950: 'big5', 10000: 'macintosh', 866: 'ibm866', 20866: 'koi8-r', 28591: 'iso-8859-1', 65001: 'utf-8', 54936: 'gb18030' };
  return named[codepage] ?? 'windows-1252';
}

const decoders = new Map<string, Decoder>();

export function decoderFor(codepage: number | null): Decoder {
  const label = encodingOf(codepage);
  if (label === 'windows-1252') return windows1252;
  let decoder = decoders.get(label);
  if (!decoder) {
    try {
      decoder = decoderOfLabel(label);
    } catch {
      decoder = windows1252; // a Node built without full ICU
    }
    decoders.set(label, decoder);
  }
  return decoder;
}
