import { UnsupportedTypeError } from '../../errors/index.js';
import type { DraftDocument } from '../draft.js';
import type { RawContext } from '../parse-options.js';
import { SUPPORTED_TYPES } from '../sniff.js';

/** Not built yet (issue 16): refused as before. */
export async function extractHtml(_bytes: Uint8Array, _context: RawContext): Promise<DraftDocument> {
  throw new UnsupportedTypeError('this file type is not extracted yet', SUPPORTED_TYPES);
}
