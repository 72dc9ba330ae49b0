import { ExtractionError, TypeMismatchError, UnsupportedTypeError } from '../errors/index.js';
import type { DraftDocument } from './draft.js';
import type { RawContext } from './parse-options.js';
import { isEncryptedOffice, ole2Kind, SUPPORTED_TYPES, type Ole2Kind } from './sniff.js';

const KINDS: Readonly<Record<Ole2Kind, { extension: string; mime: string; description: string }>> = {
  doc: { extension: '.doc', mime: 'application/msword', description: 'a Word 97-2003 document (.doc)' },
  ppt: { extension: '.ppt', mime: 'application/vnd.ms-powerpoint', description: 'a PowerPoint 97-2003 presentation (.ppt)' },
  xls: { extension: '.xls', mime: 'application/vnd.ms-excel', description: 'an Excel 97-2003 workbook (.xls)' },
  other: { extension: '', mime: 'application/x-ole-storage', description: 'an OLE2 container that is not a Word document' },
};

/**
 * A legacy Office file (OLE2 compound file), by the streams its directory names: a Word document
 * is extracted; a password-protected file is ENCRYPTED; a binary PowerPoint is refused with 415
 * naming the format (no maintained JavaScript library reads .ppt: save it as .pptx); anything else
 * too. A name that promises another kind (.doc holding a workbook) is TYPE_MISMATCH.
 */
export async function extractOle2File(bytes: Uint8Array, context: RawContext): Promise<{ type: string; draft: DraftDocument }> {
  if (isEncryptedOffice(bytes)) {
    throw new ExtractionError('ENCRYPTED', 'the file is a password-protected Office document (OLE2 EncryptedPackage); upload it without a password');
  }
  const kind = ole2Kind(bytes);
  const what = KINDS[kind];
  const promised = Object.values(KINDS).find((k) => k.extension !== '' && k.extension === context.extension);
  if (promised && promised !== what) throw new TypeMismatchError(context.extension, what.mime, what.description);
  if (kind === 'doc') return { type: 'doc', draft: await (await import('./doc/extract-doc.js')).extractDoc(bytes, context) };
  const advice = kind === 'ppt' ? 'save it as .pptx' : kind === 'xls' ? 'spreadsheets are not indexed' : 'save it as .docx';
  throw new UnsupportedTypeError(`unsupported file type: ${what.description}; ${advice}. Supported: ${SUPPORTED_TYPES.join(', ')}`, SUPPORTED_TYPES, what.mime);
}
