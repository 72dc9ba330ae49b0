import { allSections, type Document } from '../document/index.js';

/** What one stored document costs, in Unicode code points (not UTF-16 units, not bytes). */
export interface Charge {
  /** Document title and description, every section's title and text. */
  readonly numChars: number;
  /** The document's and every section's metadata_json. */
  readonly numMetadataChars: number;
}

export function computeCharge(document: Document): Charge {
  let numChars = codePoints(document.title) + codePoints(document.description);
  let numMetadataChars = codePoints(document.metadataJson);
  for (const s of allSections(document)) {
    numChars += codePoints(s.title) + codePoints(s.text);
    numMetadataChars += codePoints(s.metadataJson);
  }
  return { numChars, numMetadataChars };
}

/** Total characters a charge counts against a character quota. */
export function chargedChars(charge: Charge): number {
  return charge.numChars + charge.numMetadataChars;
}

function codePoints(s: string): number {
  let n = s.length;
  // Each surrogate pair is two UTF-16 units but one character.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
