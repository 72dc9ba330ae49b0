import type { Attachment } from 'postal-mime';
import { GatewayError } from '../../errors/index.js';
import { draftSection, hasText, type DraftSection } from '../draft.js';
import { extractNested } from '../extract-raw.js';
import type { RawContext } from '../parse-options.js';
import type { ExtractionWarning } from '../text-normalize.js';

/**
 * Limits on attachments, constants rather than configuration (documented here and in the
 * report): a message is read with its attachments down to MAX_DEPTH levels of files inside
 * files (the upload is level 0, its attachments level 1, a forwarded message's attachments
 * level 2…), and at most MAX_ATTACHMENTS attachments are extracted per upload, nested messages
 * included (one counter for the whole upload: RawContext.attachmentBudget). Past either limit an
 * attachment is skipped with a warning; so is an attachment that fails (unsupported, corrupt).
 */
export const MAX_DEPTH = 3;
export const MAX_ATTACHMENTS = 50;

/** Extensions by MIME type, for attachments whose name has none (content decides the rest). */
const EXTENSION_BY_TYPE: Readonly<Record<string, string>> = {
  'message/rfc822': '.eml',
  'text/plain': '.txt',
  'text/html': '.html',
  'text/markdown': '.md',
  'text/rtf': '.rtf',
  'application/rtf': '.rtf',
  'application/pdf': '.pdf',
};

export interface AttachmentsResult {
  /** The "Attachments" section, or null when no attachment gave text. */
  readonly section: DraftSection | null;
  readonly warnings: ExtractionWarning[];
}

/**
 * Each attachment through the same detection and extractors as an upload (extractNested), one
 * level deeper; its sections become the children of a section titled by its file name. Inline
 * images of the HTML body (`related`) are part of the body's layout, not attachments.
 */
export async function extractAttachments(attachments: readonly Attachment[], context: RawContext): Promise<AttachmentsResult> {
  const warnings: ExtractionWarning[] = [];
  const children: DraftSection[] = [];
  const budget = context.attachmentBudget ?? { used: 0 };
  const nestedContext: RawContext = { ...context, attachmentBudget: budget };
  const files = attachments.filter((a) => !a.related);
  let overCount = 0;
  for (const [i, attachment] of files.entries()) {
    const name = fileName(attachment, i + 1);
    if (context.depth + 1 > MAX_DEPTH) {
      warnings.push(skipped(`attachment "${name}" was not extracted: it is nested deeper than ${MAX_DEPTH} levels of files inside files`));
      continue;
    }
    if (budget.used >= MAX_ATTACHMENTS) {
      overCount++;
      continue;
    }
    budget.used++;
    const section = await attachmentSection(name, attachment, nestedContext, warnings);
    if (section) children.push(section);
  }
  if (overCount > 0) warnings.push(skipped(`${overCount} attachment(s) were not extracted: past the limit of ${MAX_ATTACHMENTS} attachments per upload`));
  return { section: children.length > 0 ? { ...draftSection('Attachments', ''), children } : null, warnings };
}

async function attachmentSection(name: string, attachment: Attachment, context: RawContext, warnings: ExtractionWarning[]): Promise<DraftSection | null> {
  try {
    const bytes = contentBytes(attachment.content);
    const { draft } = await extractNested(name, bytes, context);
    // Warnings from inside read as a path: attachment "a.eml" › "b.pdf" was not extracted (…).
    for (const w of draft.warnings) {
      const message = w.message.startsWith('attachment "') ? `attachment "${name}" › ${w.message.slice('attachment '.length)}` : `attachment "${name}": ${w.message}`;
      warnings.push({ code: w.code, message });
    }
    if (!hasText(draft.sections)) return null;
    const metadata: Record<string, unknown> = { filename: name, mime_type: attachment.mimeType };
    if (draft.title) metadata['title'] = draft.title;
    return { ...draftSection(name, '', metadata), children: draft.sections };
  } catch (err) {
    // A bad attachment is the attachment's problem, not the message's; the worker's own memory
    // and time limits still stop the whole parse (they are checked outside this try).
    // The 415 message's list of supported types is left out: it would repeat for every attachment.
    const why = err instanceof GatewayError ? `${err.code}: ${err.message.replace(/; supported: .*$/s, '')}` : `${(err as Error)?.message ?? String(err)}`;
    warnings.push(skipped(`attachment "${name}" was not extracted (${why})`));
    return null;
  }
}

/** The attachment's own name, else "attachment-N", with an extension from its type when it has none. */
function fileName(attachment: Attachment, n: number): string {
  const given = (attachment.filename ?? '').replace(/[\u0000-\u001f]/g, '').trim().slice(0, 255);
  const name = given || `attachment-${n}`;
  const extension = EXTENSION_BY_TYPE[attachment.mimeType.toLowerCase()];
  return /\.[a-z0-9]{1,8}$/i.test(name) || !extension ? name : `${name}${extension}`;
}

function contentBytes(content: Attachment['content']): Uint8Array {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

function skipped(message: string): ExtractionWarning {
  return { code: 'CONTENT_SKIPPED', message };
}
