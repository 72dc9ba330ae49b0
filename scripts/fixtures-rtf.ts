/** RTF fixtures (see fixtures-text.ts): written as RTF source, bytes > 0x7F only as escapes. */

const HEADER =
  '{\\rtf1\\ansi\\ansicpg1252\\uc1\\deff0' +
  '{\\fonttbl{\\f0\\froman\\fcharset0 Times New Roman;}{\\f1\\fswiss\\fcharset204 Arial Cyr;}{\\f2\\fnil\\fcharset128 MS Mincho;}}' +
  '{\\colortbl;\\red0\\green0\\blue0;\\red255\\green0\\blue0;}' +
  '{\\stylesheet{\\ql \\snext0 Normal;}{\\s1\\ql\\outlinelevel0 \\sbasedon0 \\snext0 heading 1;}{\\s2 \\sbasedon0 \\snext0 heading 2;}{\\*\\cs10 \\additive Default Paragraph Font;}}' +
  '{\\*\\generator Hand-written fixture;}';

const INFO =
  '{\\info{\\title Caf\\\'e9 \\u8220?Report\\u8221?}{\\author Jos\\\'e9 Alvarez}{\\subject Fixtures}{\\keywords rtf, test}' +
  '{\\creatim\\yr2024\\mo3\\dy5\\hr14\\min7}{\\revtim\\yr2024\\mo3\\dy6}{\\nofpages1}{\\*\\company Hidden Company}}';

/**
 * An \info group, a font table with a Cyrillic and a Shift-JIS font, \uN with \ucN fallbacks (a
 * surrogate pair too), hex escapes, skipped destinations (colours, styles, a picture, field
 * instructions, \*\ destinations, \bin data), a table, a footnote, hidden text, unknown words,
 * headings by \outlinelevel and by style name.
 */
export function sampleRtf(): Buffer {
  const body = [
    '\\pard\\plain\\s1\\outlinelevel0 Introduction\\par',
    '\\pard\\plain Plain text with \\b bold\\b0 , an unknown \\fooword42 word and a caf\\\'e9 au lait.\\par',
    '{\\f1 \\\'cf\\\'f0\\\'e8\\\'e2\\\'e5\\\'f2} {\\f2 \\\'82\\\'a0}\\par',
    'Unicode: \\u20013?\\u25991? {\\uc0\\u946\\u947} \\uc2\\u8364XY euro \\uc1\\u-10179?\\u-8704? smile\\par',
    'Quotes \\ldblquote nested\\rdblquote{ {\\i group {\\b deep}}} text\\line next line\\tab tabbed\\par',
    '{\\field{\\*\\fldinst HYPERLINK "http://example.org/hidden"}{\\fldrslt Link text}}\\par',
    '{\\pict\\pngblip\\picw10\\pich10 89504e470d0a1a0a0000000d494844520000}{\\*\\shppict{\\pict\\bin4 ABCD}}',
    'Hidden {\\v secret words}shown.{\\super\\chftn}{\\footnote\\pard\\plain{\\super\\chftn} A footnote text.}\\par',
    '\\pard\\plain\\s2 Details\\par',
    '\\pard\\plain\\trowd\\cellx1000\\cellx2000 A1\\cell B1\\cell\\row\\trowd A2\\cell B2\\cell\\row',
    '\\pard After the table.\\par',
  ].join('\n');
  return Buffer.from(`${HEADER}\n${INFO}\n${body}\n}`, 'latin1');
}

/** `depth` nested groups: refused by the nesting cap, in linear time. */
export function deepRtf(depth = 100_000): Buffer {
  return Buffer.from(`{\\rtf1\\ansi ${'{'.repeat(depth)}deep${'}'.repeat(depth)}}`, 'latin1');
}

/** `bytes` of `{` after the header. */
export function openBracesRtf(bytes = 5 * 1024 * 1024): Buffer {
  const b = Buffer.alloc(bytes, '{'.charCodeAt(0));
  b.write('{\\rtf1 ', 0, 'latin1');
  return b;
}

/** Garbage after a valid header: pseudo-random bytes (seeded), braces and backslashes included. */
export function garbageRtf(bytes = 200_000): Buffer {
  const b = Buffer.alloc(bytes);
  let x = 0x2545f491;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  b.write('{\\rtf1\\ansi ', 0, 'latin1');
  return b;
}

/** Only destinations that hold no text. */
export function textlessRtf(): Buffer {
  return Buffer.from(`${HEADER}${INFO}\\pard\\par}`, 'latin1');
}

/** About `bytes` of a realistic Word-like RTF: styled headings, paragraphs, tables, unicode. */
export function largeRtf(bytes = 1024 * 1024): Buffer {
  const parts = [HEADER, INFO];
  let size = 0;
  for (let i = 1; size < bytes; i++) {
    const chunk =
      `\\pard\\plain\\s1\\outlinelevel0\\f0\\fs32 Chapter ${i}\\par\n` +
      `\\pard\\plain\\f0\\fs24 {\\rtlch\\fcs1 \\af0 \\ltrch\\fcs0 \\insrsid2954171 ${'The quick brown fox jumps over the lazy dog, caf\\\'e9 na\\\'efve \\u8364? r\\\'e9sum\\\'e9. '.repeat(8)}}\\par\n` +
      `\\pard\\plain\\s2 Section ${i}.1\\par\n` +
      `\\trowd\\cellx2000\\cellx4000 alpha\\cell ${i}\\cell\\row\\trowd beta\\cell ${i + 1}\\cell\\row\n`;
    parts.push(chunk);
    size += chunk.length;
  }
  parts.push('}');
  return Buffer.from(parts.join(''), 'latin1');
}
