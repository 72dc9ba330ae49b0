import { UnsupportedTypeError } from '../../errors/index.js';
import type { DraftDocument } from '../draft.js';
import type { RawContext } from '../parse-options.js';
import { SUPPORTED_TYPES } from '../sniff.js';
import type { ZipContents } from '../zip-guard.js';

/** Not built yet (issue 16): refused as before. */
export async function extractEpub(_bytes: Uint8Array, _zip: ZipContents, _context: RawContext): Promise<DraftDocument> {
  throw new UnsupportedTypeError('this file type is not extracted yet', SUPPORTED_TYPES);
}
