import { CORE_PART } from './office-properties.js';

/**
 * The parts of a docx this project reads itself (mammoth reads the rest from the bytes). A module
 * without mammoth: the ZIP router (zip-formats.ts) asks `docxKeeps` before the extractor loads.
 */
export const STYLES = 'word/styles.xml';
export const NUMBERING = 'word/numbering.xml';
export const DOCUMENT = 'word/document.xml';

/** The parts zip-guard keeps inflated for the extractor; document.xml only beside a numbering part (list labels are all it is read for). */
export function docxKeeps(name: string, names: ReadonlySet<string>): boolean {
  return [CORE_PART, STYLES, NUMBERING].includes(name) || (name === DOCUMENT && names.has(NUMBERING));
}
