import type { PdfInfo } from './model.js';

/**
 * A PDF date string (ISO 32000-1 §7.9.4: `D:YYYYMMDDHHmmSSOHH'mm'`, every part after the year
 * optional, O one of + - Z) as ISO 8601, or undefined when it is not one. Lenient where producers
 * are (no "D:", a trailing apostrophe missing), strict on the digits.
 */
const PDF_DATE = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([+\-Zz])(?:(\d{2})'?(?:(\d{2})'?)?)?)?/;

export function pdfDateToIso(value: string | undefined): string | undefined {
  const m = value === undefined ? null : PDF_DATE.exec(value.trim());
  if (!m) return undefined;
  const n = (i: number, fallback: number) => (m[i] === undefined ? fallback : Number(m[i]));
  const [year, month, day, hour, minute, second] = [n(1, 0), n(2, 1), n(3, 1), n(4, 0), n(5, 0), n(6, 0)];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const sign = m[7] === '-' ? -1 : 1;
  const offsetMinutes = m[7] === undefined || /z/i.test(m[7]) ? 0 : sign * (n(8, 0) * 60 + n(9, 0));
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * The model's Info fields from a document's Info dictionary, read through `field` (each engine
 * reads it its own way): text trimmed, empty left out, dates as ISO 8601.
 */
export function pdfInfo(field: (key: string) => string | undefined): PdfInfo {
  const text = (key: string) => {
    const value = field(key)?.trim();
    return value === '' ? undefined : value;
  };
  const info: Record<string, string | undefined> = {
    title: text('Title'),
    author: text('Author'),
    subject: text('Subject'),
    keywords: text('Keywords'),
    created: pdfDateToIso(text('CreationDate')),
    modified: pdfDateToIso(text('ModDate')),
  };
  return Object.fromEntries(Object.entries(info).filter(([, v]) => v !== undefined)) as PdfInfo;
}
