/** Hand-built multipart bodies, for what form libraries will not send (raw UTF-8 names, filename*). */
export interface RawPart {
  /** The whole Content-Disposition header value. */
  readonly disposition: string;
  readonly content: Buffer | string;
  readonly contentType?: string;
}

export function multipart(parts: readonly RawPart[], boundary = '----corpusgate-test-boundary'): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${part.disposition}\r\n`, 'utf8'));
    if (part.contentType) chunks.push(Buffer.from(`Content-Type: ${part.contentType}\r\n`));
    chunks.push(Buffer.from('\r\n'), Buffer.from(part.content), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export const filePart = (filename: string, content: Buffer | string): RawPart => ({
  disposition: `form-data; name="file"; filename="${filename}"`,
  content,
  contentType: 'application/octet-stream',
});
