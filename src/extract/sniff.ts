/**
 * What a file really is, from its bytes. Used to route uploads (pdf, zip, ole2) and to say what a
 * refused file is ("named .pdf but its content is plain text").
 */
export const SUPPORTED_TYPES: readonly string[] = [
  '.pdf (PDF with a text layer)',
  '.docx (Word 2007+)',
  '.pb (binary com.vectara.indexing.Document)',
  '.pbtxt (Document in protobuf text format)',
  '.json (Document in proto3 JSON)',
  '.txt (UTF-8 text)',
  '.html, .htm, .xhtml, .lxml (web pages: main content, headings as sections)',
  '.md (Markdown)',
  '.pptx (PowerPoint 2007+: a section per slide)',
  '.odt (OpenDocument text)',
  '.rtf (Rich Text Format)',
  '.epub (e-books: chapters as sections)',
  '.eml (RFC 822 e-mail, attachments included)',
  '.doc (Word 97-2003)',
  '.jpg, .png, .bmp, .tif (images, read by OCR when OCR=auto)',
];

export interface Sniffed {
  readonly mime: string;
  readonly description: string;
}

const PDF_MAGIC = Buffer.from('%PDF-');
const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
/** "EncryptedPackage" as a UTF-16LE directory entry name of an OLE2 container. */
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');

export const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The image types OCR reads, by magic bytes. */
export type ImageKind = 'jpeg' | 'png' | 'bmp' | 'tiff';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** JPEG FF D8 FF, PNG's 8-byte signature, BMP "BM", TIFF "II*\0" or "MM\0*"; null otherwise. */
export function imageKind(bytes: Uint8Array): ImageKind | null {
  const b = asBuffer(bytes);
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.subarray(0, 8).equals(PNG_MAGIC)) return 'png';
  if (b[0] === 0x42 && b[1] === 0x4d && b.length >= 26) return 'bmp';
  if ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0x00) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0x00 && b[3] === 0x2a)) return 'tiff';
  return null;
}

export const IMAGE_MIME: Readonly<Record<ImageKind, string>> = { jpeg: 'image/jpeg', png: 'image/png', bmp: 'image/bmp', tiff: 'image/tiff' };

/** `%PDF-` within the first 1,024 bytes (junk before the header is common and tolerated). */
export function isPdf(bytes: Uint8Array): boolean {
  return asBuffer(bytes).subarray(0, 1024).includes(PDF_MAGIC);
}

export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05) && (bytes[3] === 0x04 || bytes[3] === 0x06);
}

export function isOle2(bytes: Uint8Array): boolean {
  return asBuffer(bytes).subarray(0, 8).equals(OLE2_MAGIC);
}

/** `{\rtf` at the start: Rich Text Format. */
export function isRtf(bytes: Uint8Array): boolean {
  return asBuffer(bytes).subarray(0, 5).toString('latin1') === '{\\rtf';
}

/** The first KiB as text: decoded by its BOM (UTF-16 pages exist), else as Latin-1 (enough for markup). */
function headText(bytes: Uint8Array): string {
  const b = asBuffer(bytes).subarray(0, 1024);
  if (b[0] === 0xff && b[1] === 0xfe) return b.subarray(2).toString('utf16le');
  if (b[0] === 0xfe && b[1] === 0xff) return Buffer.from(b.subarray(2)).swap16().toString('utf16le');
  return b.toString('latin1').replace(/^\xef\xbb\xbf/, '');
}

/** Markup whose first element (after blanks, comments, an XML declaration) is a doctype html, html, head or body. */
export function looksLikeHtml(bytes: Uint8Array): boolean {
  const head = headText(bytes);
  return /^(?:\s|<!--[\s\S]*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html|head|body)\b/i.test(head);
}

/** Header fields that only a message has (a text file may well start with "Note: ..."). */
const MAIL_FIELDS = new Set(['from', 'to', 'subject', 'date', 'message-id', 'received', 'return-path', 'mime-version', 'delivered-to', 'cc', 'reply-to', 'sender']);

/**
 * An RFC 822 header block: within the first 16 KiB, at least three header fields (continuation
 * lines allowed, an mbox "From " line first tolerated) before the first empty line, two of them
 * fields a message has.
 */
export function looksLikeEmail(bytes: Uint8Array): boolean {
  const lines = asBuffer(bytes).subarray(0, 16 * 1024).toString('latin1').split(/\r?\n/);
  if (lines[0]?.startsWith('From ')) lines.shift();
  let fields = 0;
  let known = 0;
  for (const line of lines) {
    if (line === '') return fields >= 3 && known >= 2;
    if (/^[ \t]/.test(line) && fields > 0) continue;
    const field = /^([!-9;-~]+):/.exec(line);
    if (!field) return false;
    fields++;
    if (MAIL_FIELDS.has(field[1]!.toLowerCase())) known++;
  }
  return false;
}

/** An OLE2 container holding an EncryptedPackage stream: a password-protected Office file. */
export function isEncryptedOffice(bytes: Uint8Array): boolean {
  return isOle2(bytes) && asBuffer(bytes).includes(ENCRYPTED_PACKAGE);
}

/** What an OLE2 container holds, by its directory's stream names (UTF-16LE): Word, PowerPoint, Excel. */
export type Ole2Kind = 'doc' | 'ppt' | 'xls' | 'other';

const OLE2_STREAMS: readonly (readonly [Ole2Kind, Buffer])[] = [
  ['doc', Buffer.from('WordDocument', 'utf16le')],
  ['ppt', Buffer.from('PowerPoint Document', 'utf16le')],
  ['xls', Buffer.from('Workbook', 'utf16le')],
];

export function ole2Kind(bytes: Uint8Array): Ole2Kind {
  const b = asBuffer(bytes);
  return OLE2_STREAMS.find(([, name]) => b.includes(name))?.[0] ?? 'other';
}

/** Best-effort naming of content we do not extract. */
export function sniff(bytes: Uint8Array): Sniffed {
  const b = asBuffer(bytes);
  const head = b.subarray(0, 512);
  if (isPdf(bytes)) return { mime: 'application/pdf', description: 'a PDF' };
  if (isZip(bytes)) return { mime: 'application/zip', description: 'a ZIP archive' };
  if (isOle2(bytes)) return { mime: 'application/x-ole-storage', description: 'an OLE2 container (legacy Office: .doc, .xls, .ppt)' };
  const image = imageKind(bytes);
  if (image) return { mime: IMAGE_MIME[image], description: `a ${image.toUpperCase()} image` };
  if (head.subarray(0, 4).toString('latin1') === 'GIF8') return { mime: 'image/gif', description: 'a GIF image' };
  if (isRtf(bytes)) return { mime: 'text/rtf', description: 'an RTF document' };
  if (looksLikeHtml(bytes)) return { mime: 'text/html', description: 'an HTML page' };
  if (looksLikeEmail(bytes)) return { mime: 'message/rfc822', description: 'an e-mail message' };
  const text = head.toString('utf8').replace(/^\ufeff/, '').trimStart().toLowerCase();
  if (text.startsWith('<?xml')) return { mime: 'application/xml', description: 'an XML document' };
  if (looksLikeText(b)) return { mime: 'text/plain', description: 'plain text' };
  return { mime: 'application/octet-stream', description: 'unrecognised binary data' };
}

/** Names the kind of a ZIP that is not a docx, from its central directory. */
export function describeZip(names: ReadonlySet<string>): Sniffed {
  if (names.has('ppt/presentation.xml')) return { mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', description: 'a PowerPoint presentation (.pptx)' };
  if (names.has('xl/workbook.xml')) return { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', description: 'an Excel workbook (.xlsx)' };
  if (names.has('META-INF/container.xml') && names.has('mimetype')) return { mime: 'application/epub+zip', description: 'an EPUB e-book' };
  if (names.has('content.xml') && names.has('mimetype')) return { mime: 'application/vnd.oasis.opendocument', description: 'an OpenDocument file (.odt/.ods/.odp)' };
  return { mime: 'application/zip', description: 'a ZIP archive without word/document.xml (not a docx)' };
}

function looksLikeText(b: Buffer): boolean {
  const sample = b.subarray(0, 4096);
  if (sample.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.length < b.length ? sample.subarray(0, lastCompleteUtf8(sample)) : sample);
    return true;
  } catch {
    return false;
  }
}

/** Length of the sample without a UTF-8 sequence cut at its end. */
function lastCompleteUtf8(sample: Buffer): number {
  let end = sample.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const byte = sample[end - i]!;
    if ((byte & 0xc0) === 0x80) continue;
    if (byte >= 0xc0) end -= i;
    break;
  }
  return end;
}
