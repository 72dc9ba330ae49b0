import { ExtractionError } from '../../errors/index.js';
import { resolveHref } from './epub-package.js';
import { findAll, readXml } from './epub-xml.js';

export const ENCRYPTION = 'META-INF/encryption.xml';

/**
 * Refuses a DRM-protected book: META-INF/encryption.xml naming one of its content documents
 * (Adobe ADEPT, Readium LCP and the like encrypt every chapter). encryption.xml naming only fonts
 * is font obfuscation (IDPF, Adobe), which leaves the text readable: such a book is read.
 */
export function refuseEncryptedContent(parts: ReadonlyMap<string, Buffer>, contentPaths: ReadonlySet<string>): void {
  const xml = parts.get(ENCRYPTION);
  if (!xml) return;
  // CipherReference URIs are relative to the container's root, not to META-INF/.
  const encrypted = findAll(readXml(xml.toString('utf8')), 'CipherReference')
    .map((ref) => resolveHref('container-root', ref.attrs['URI']))
    .filter((p): p is string => p !== null);
  const content = encrypted.filter((p) => contentPaths.has(p));
  if (content.length > 0) {
    throw new ExtractionError('ENCRYPTED', `the EPUB is DRM-protected: ${content.length} of its content document(s) are encrypted (${ENCRYPTION}), e.g. ${content[0]}`);
  }
}
