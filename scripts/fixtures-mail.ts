/** E-mail fixtures (see fixtures-text.ts): MIME messages assembled here, attachments base64-encoded. */
import { simpleDocx, textPdf } from './fixtures.js';

interface Part {
  readonly type: string;
  readonly body: Buffer | string;
  readonly filename?: string;
  /** base64 (default for attachments), 8bit, quoted-printable (given already encoded) or none (message/rfc822). */
  readonly encoding?: 'base64' | '8bit' | 'quoted-printable' | 'none';
  readonly inline?: boolean;
}

const CRLF = '\r\n';

function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join(CRLF);
}

function partText(part: Part): string {
  const encoding = part.encoding ?? (part.filename ? 'base64' : '8bit');
  const headers = [`Content-Type: ${part.type}${part.filename ? `; name="${part.filename}"` : ''}`];
  if (encoding !== 'none') headers.push(`Content-Transfer-Encoding: ${encoding}`);
  if (part.filename || part.inline === false) headers.push(`Content-Disposition: attachment${part.filename ? `; filename="${part.filename}"` : ''}`);
  const body = encoding === 'base64' ? base64Lines(Buffer.from(part.body)) : Buffer.from(part.body).toString('utf8');
  return headers.join(CRLF) + CRLF + CRLF + body;
}

/** A message: headers, then one text part or a multipart/mixed of `parts` (boundary unique per level). */
export function mail(headers: Readonly<Record<string, string>>, parts: readonly Part[], boundary = 'b1-corpusgate'): Buffer {
  const head = Object.entries({ 'MIME-Version': '1.0', ...headers }).map(([k, v]) => `${k}: ${v}`);
  if (parts.length === 1 && !parts[0]!.filename) return Buffer.from(head.join(CRLF) + CRLF + partText(parts[0]!) + CRLF);
  head.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
  const body = parts.map((p) => `--${boundary}${CRLF}${partText(p)}${CRLF}`).join('');
  return Buffer.from(`${head.join(CRLF)}${CRLF}${CRLF}This is a multi-part message.${CRLF}${body}--${boundary}--${CRLF}`);
}

const HEADERS = {
  From: '"Ada Lovelace" <ada@example.org>',
  To: 'Charles Babbage <charles@example.org>, team@example.org',
  Cc: '=?UTF-8?Q?Jos=C3=A9_Alvarez?= <jose@example.org>',
  Date: 'Tue, 05 Mar 2024 14:07:00 +0100',
  'Message-ID': '<fixture-1@example.org>',
};

/** A text/plain message: an encoded-word subject, quoted-printable UTF-8 body. */
export function plainEmail(): Buffer {
  return mail({ ...HEADERS, Subject: '=?UTF-8?B?' + Buffer.from('Analytical Engine notes — café').toString('base64') + '?=' }, [
    { type: 'text/plain; charset=utf-8', encoding: 'quoted-printable', body: 'Dear Charles,=0D=0A=0D=0AThe engine weaves algebraic patterns. Caf=C3=A9 at noon?=0D=0A=0D=0AAda' },
  ]);
}

/** An HTML-only message: headings and a navigation bar. */
export function htmlOnlyEmail(): Buffer {
  const html = '<html><head><title>Newsletter</title></head><body><h1>Quarterly numbers</h1><p>Revenue grew by twelve percent in the third quarter, driven by exports.</p><h2>Outlook</h2><p>The board expects steady growth next year.</p></body></html>';
  return mail({ ...HEADERS, Subject: 'HTML newsletter' }, [{ type: 'text/html; charset=utf-8', body: html }]);
}

/** An HTML body without text (the HTML extractor answers NO_TEXT) and a text attachment. */
export function emptyHtmlEmail(): Buffer {
  return mail({ ...HEADERS, Subject: 'Empty HTML' }, [
    { type: 'text/html; charset=utf-8', body: '<html><body><img src="cid:x"></body></html>' },
    { type: 'text/plain', filename: 'kept.txt', body: 'The attachment carries the message.' },
  ]);
}

/** A forwarded message with its own attachment. */
function forwardedMessage(): Buffer {
  return mail({ From: 'bob@example.org', To: 'ada@example.org', Subject: 'Forwarded minutes', Date: 'Mon, 04 Mar 2024 09:00:00 +0000' }, [
    { type: 'text/plain; charset=utf-8', body: 'Minutes of the forwarded meeting.' },
    { type: 'text/plain', filename: 'inner.txt', body: 'Text of the attachment inside the forwarded message.' },
  ], 'b2-inner');
}

/** A body and attachments: .txt, PDF, docx, a forwarded message (with an attachment), an .exe, a corrupt PDF. */
export function attachmentsEmail(): Buffer {
  return mail({ ...HEADERS, Subject: 'Quarterly files' }, [
    { type: 'text/plain; charset=utf-8', body: 'Please find the files attached.' },
    { type: 'text/plain; charset=utf-8', filename: 'notes.txt', body: 'Plain notes about the quarter.' },
    { type: 'application/pdf', filename: 'report.pdf', body: textPdf(1, 'Attached Report') },
    { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', filename: 'letter.docx', body: simpleDocx() },
    { type: 'message/rfc822', filename: 'forwarded.eml', body: forwardedMessage(), encoding: 'none' },
    { type: 'application/octet-stream', filename: 'tool.exe', body: Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(200, 0)]) },
    { type: 'application/pdf', filename: 'broken.pdf', body: Buffer.from('%PDF-1.4\n1 0 obj garbage that never ends') },
  ]);
}

/**
 * `levels` messages each forwarded inside the next (message/rfc822 parts without a file name),
 * each with a line of text: "Text at level N" (0 the outermost).
 */
export function nestedEmail(levels = 4): Buffer {
  let message = mail({ From: 'x@example.org', Subject: `Level ${levels}` }, [{ type: 'text/plain', body: `Text at level ${levels}.` }]);
  for (let level = levels - 1; level >= 0; level--) {
    message = mail({ From: 'x@example.org', Subject: `Level ${level}` }, [
      { type: 'text/plain', body: `Text at level ${level}.` },
      { type: 'message/rfc822', body: message, encoding: 'none', inline: false },
    ], `b-level-${level}`);
  }
  return message;
}

/** A message with `count` small text attachments: file-1.txt … */
export function manyAttachmentsEmail(count = 60, boundary?: string): Buffer {
  return mail({ ...HEADERS, Subject: 'Many files' }, [
    { type: 'text/plain', body: `${count} files follow.` },
    ...Array.from({ length: count }, (_, i) => ({ type: 'text/plain', filename: `file-${i + 1}.txt`, body: `Content of file ${i + 1}.` })),
  ], boundary);
}

/** About `bytes` of e-mail: a long plain body and three text attachments. */
export function largeEmail(bytes = 1024 * 1024): Buffer {
  const paragraph = 'The quarterly report covers revenue, costs and the outlook for the next year in some detail. ';
  const body = Array.from({ length: Math.ceil(bytes / 2 / paragraph.length) }, (_, i) => (i % 8 === 7 ? `${paragraph}\n\n` : paragraph)).join('');
  const attachment = body.slice(0, Math.floor(bytes / 6));
  return mail({ ...HEADERS, Subject: 'Large message' }, [
    { type: 'text/plain; charset=utf-8', body },
    ...[1, 2, 3].map((i) => ({ type: 'text/plain', filename: `part-${i}.txt`, body: attachment })),
  ]);
}

/** multipart/mixed parts nested `levels` deep (postal-mime's nesting cap refuses it). */
export function deepMimeEmail(levels = 5000): Buffer {
  let part = `Content-Type: text/plain${CRLF}${CRLF}Innermost.${CRLF}`;
  for (let i = 0; i < levels; i++) part = `Content-Type: multipart/mixed; boundary="b${i}"${CRLF}${CRLF}--b${i}${CRLF}${part}--b${i}--${CRLF}`;
  return Buffer.from(`From: a@example.org${CRLF}To: b@example.org${CRLF}Subject: Deep${CRLF}MIME-Version: 1.0${CRLF}${part}`);
}

/** Two forwarded messages with `each` text attachments apiece: the count limit is per upload. */
export function forwardsWithAttachmentsEmail(each = 30): Buffer {
  return mail({ ...HEADERS, Subject: 'Two forwards' }, [
    { type: 'text/plain', body: 'Two forwarded messages.' },
    { type: 'message/rfc822', filename: 'first.eml', body: manyAttachmentsEmail(each, 'b-first'), encoding: 'none' },
    { type: 'message/rfc822', filename: 'second.eml', body: manyAttachmentsEmail(each, 'b-second'), encoding: 'none' },
  ]);
}
