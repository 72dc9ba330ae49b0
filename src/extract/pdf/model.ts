import type { ExtractionWarning } from '../text-normalize.js';

/**
 * What a PDF engine hands the layout code: the engine-neutral model. Coordinates are PDF user
 * space (points, y grows upwards), so an outline destination's `top` compares with a line's.
 */
export interface PdfLine {
  readonly text: string;
  /** Left edge of the line's first character. */
  readonly x: number;
  /** Right edge of the line's last character. */
  readonly right: number;
  /** Top and bottom of the line's box. */
  readonly top: number;
  readonly bottom: number;
  /** Font size of the line's first character (points, as scaled on the page). */
  readonly size: number;
  /** The line's first and last characters are bold (weight ≥ 600), where the engine knows. */
  readonly bold: boolean;
}

/** A page's lines in the engine's reading order. */
export interface PdfPage {
  readonly lines: readonly PdfLine[];
}

export interface PdfOutlineEntry {
  readonly title: string;
  /** 0-based page the entry jumps to; null when its destination does not resolve. */
  readonly page: number | null;
  /** The destination's top (XYZ, FitH, FitBH, FitR), when it has one. */
  readonly top: number | null;
  readonly children: readonly PdfOutlineEntry[];
}

/** The Info dictionary's text fields, trimmed; dates as ISO 8601. */
export interface PdfInfo {
  readonly title?: string;
  readonly author?: string;
  readonly subject?: string;
  readonly keywords?: string;
  readonly created?: string;
  readonly modified?: string;
}

export interface PdfContent {
  readonly pages: readonly PdfPage[];
  readonly outline: readonly PdfOutlineEntry[];
  readonly info: PdfInfo;
  /** "name@version" of the engine that read the file, for the Document's `extractor`. */
  readonly engine: string;
  readonly warnings: readonly ExtractionWarning[];
}

/** Reads a PDF into the model. Throws ExtractionError (ENCRYPTED, CORRUPT) for unreadable files. */
export interface PdfEngine {
  readonly name: 'pdfium' | 'pdfjs';
  read(bytes: Uint8Array): Promise<PdfContent>;
}

/** Outlines deeper than this are cut: no reader navigates them, and walks must stay bounded. */
export const MAX_OUTLINE_DEPTH = 32;
/** At most this many outline entries are read (a hostile file may have millions, or a cycle). */
export const MAX_OUTLINE_ENTRIES = 10_000;
