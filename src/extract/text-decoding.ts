/**
 * Bytes in a named encoding to text, with one fix to Node's TextDecoder: Node 20 reads
 * "windows-1252" (and the labels WHATWG maps to it: latin1, iso-8859-1, ascii…) as ISO-8859-1 on
 * its Latin-1 fast path, so 0x92 comes out as the C1 control U+0092, not ’. Here 0x80–0x9F are
 * mapped by the code page's table. Every extractor that decodes legacy text (HTML, RTF) uses this.
 */

/** What windows-1252 puts at 0x80–0x9F (U+FFFD for its five unassigned bytes). */
const CP1252_HIGH = '€\ufffd‚ƒ„…†‡ˆ‰Š‹Œ\ufffdŽ\ufffd\ufffd‘’“”•–—˜™š›œ\ufffdžŸ';

export interface Decoder {
  decode(bytes: Uint8Array): string;
}

export const windows1252: Decoder = {
  decode(bytes: Uint8Array): string {
    let out = '';
    for (let i = 0; i < bytes.length; i += 8192) {
      const chunk = bytes.subarray(i, i + 8192);
      out += String.fromCharCode(...Array.from(chunk, (b) => (b >= 0x80 && b <= 0x9f ? CP1252_HIGH.charCodeAt(b - 0x80) : b)));
    }
    return out;
  },
};

/**
 * Text a library decoded with Node's TextDecoder from windows-1252 (postal-mime does, for mail
 * parts and encoded-word headers): its C1 controls U+0080–U+009F, which no text means and which
 * are exactly the bytes 0x80–0x9F read as Latin-1, become the code page's characters.
 */
export function c1AsWindows1252(text: string): string {
  return /[\u0080-\u009f]/.test(text) ? text.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!) : text;
}

/**
 * A decoder for `label` (any WHATWG label); windows-1252's is the table above. Throws a
 * RangeError for a label TextDecoder does not know, as TextDecoder does.
 */
export function decoderFor(label: string, options: { fatal?: boolean; ignoreBOM?: boolean } = {}): Decoder {
  const decoder = new TextDecoder(label, options);
  return decoder.encoding === 'windows-1252' ? windows1252 : decoder;
}
