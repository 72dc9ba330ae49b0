import { createRequire } from 'node:module';
import PostalMime, { type Address, type Email } from 'postal-mime';
import { ExtractionError, GatewayError } from '../../errors/index.js';
import { draftSection, hasText, pruneEmpty, type DraftDocument, type DraftSection } from '../draft.js';
import { extractRaw } from '../extract-raw.js';
import type { RawContext } from '../parse-options.js';
import { c1AsWindows1252 } from '../text-decoding.js';
import { garbledWarning, normalizeText, type ExtractionWarning } from '../text-normalize.js';
import { extractAttachments } from './email-attachments.js';

const POSTAL_MIME_VERSION = (createRequire(import.meta.url)('postal-mime/package.json') as { version: string }).version;
/** MIME parts nested deeper than this refuse the message (postal-mime's own default is 256). */
const MAX_MIME_NESTING = 100;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * An RFC 822 message (postal-mime): the subject is the title; from/to/cc/date/message-id the
 * metadata; the text/plain body, else the HTML body through the HTML extractor, the first
 * sections; attachments follow under an "Attachments" section (email-attachments.ts). Nested
 * messages (message/rfc822 parts) are attachments like any other, read by this same extractor
 * one level deeper.
 */
export async function extractEmail(bytes: Uint8Array, context: RawContext): Promise<DraftDocument> {
  let email: Email;
  try {
    email = await PostalMime.parse(bytes, { forceRfc822Attachments: true, attachmentEncoding: 'arraybuffer', maxNestingDepth: MAX_MIME_NESTING });
  } catch (err) {
    const why = (err as Error)?.message ?? String(err);
    if (/nesting|depth|header.*size|limit/i.test(why)) throw new ExtractionError('EXTRACTION_RESOURCE_LIMIT', `the e-mail exceeds a parser limit: ${why}`);
    throw new ExtractionError('CORRUPT', `the e-mail cannot be read: ${why}`);
  }
  const shared = { ...context, attachmentBudget: context.attachmentBudget ?? { used: 0 } };
  const warnings: ExtractionWarning[] = [];
  const body = await bodySections(email, shared, warnings);
  const attachments = await extractAttachments(email.attachments, shared);
  warnings.push(...attachments.warnings);
  const sections = pruneEmpty([...body, ...(attachments.section ? [attachments.section] : [])]);
  if (!hasText(sections)) throw new ExtractionError('NO_TEXT', 'the e-mail has no text to index (no body text, no readable attachment)');

  const title = normalizeText(c1AsWindows1252(email.subject ?? '')).replace(/\s+/g, ' ');
  const garbled = garbledWarning(body.map((s) => s.text));
  return {
    title,
    metadata: {
      ...(title ? { title } : {}),
      ...addressField('from', email.from ? [email.from] : []),
      ...addressField('to', email.to ?? []),
      ...addressField('cc', email.cc ?? []),
      ...(email.date ? { date: email.date } : {}),
      ...(email.messageId ? { message_id: email.messageId.trim() } : {}),
      mime_type: 'message/rfc822',
      sha256: context.sha256,
      extractor: `postal-mime@${POSTAL_MIME_VERSION}`,
    },
    sections,
    warnings: [...(garbled ? [garbled] : []), ...warnings],
  };
}

/**
 * The text/plain body as one section; when the message has none, the HTML body's sections as the
 * HTML extractor finds them (headings, main content). A failing HTML body is a warning: the
 * attachments may still hold the message's text.
 */
async function bodySections(email: Email, context: RawContext, warnings: ExtractionWarning[]): Promise<DraftSection[]> {
  // postal-mime decodes windows-1252 parts with Node's TextDecoder, which reads them as Latin-1.
  const text = normalizeText(c1AsWindows1252(email.text ?? ''));
  if (text) return [draftSection('', text)];
  if (!email.html?.trim()) return [];
  try {
    // UTF-8 with a BOM: postal-mime has decoded the part already, whatever its <meta charset> says.
    const html = Buffer.concat([UTF8_BOM, Buffer.from(c1AsWindows1252(email.html), 'utf8')]);
    const { draft } = await extractRaw('html', html, { ...context, extension: '.html' });
    warnings.push(...draft.warnings.map((w) => ({ code: w.code, message: `HTML body: ${w.message}` })));
    return draft.sections;
  } catch (err) {
    const why = err instanceof GatewayError ? `${err.code}: ${err.message}` : ((err as Error)?.message ?? String(err));
    warnings.push({ code: 'CONTENT_SKIPPED', message: `the e-mail's HTML body was not extracted (${why})` });
    return [];
  }
}

/** Addresses as "Name <address>" strings (a group's members one by one); `from` as one string. */
function addressField(key: 'from' | 'to' | 'cc', addresses: readonly Address[]): Record<string, unknown> {
  const list = addresses.flatMap((a) => (a.group ? a.group : [a])).map((m) => {
    const name = (m.name ?? '').replace(/\s+/g, ' ').trim();
    const address = (m.address ?? '').trim();
    return name && address ? `${name} <${address}>` : name || address;
  }).filter((s) => s !== '');
  if (list.length === 0) return {};
  return { [key]: key === 'from' ? list[0] : list };
}
