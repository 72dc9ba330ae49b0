import { allText, child, elements, parseXmlTree } from '../xml-tree.js';

/** meta.xml's document properties (ODF 1.2 §4: Dublin Core and meta: elements). */
export interface OdtMeta {
  title?: string;
  subject?: string;
  description?: string;
  keywords?: string;
  /** meta:initial-creator (the author), else dc:creator (who saved it last). */
  creator?: string;
  /** dc:creator: in ODF the last person who edited the document. */
  lastModifiedBy?: string;
  created?: string;
  modified?: string;
  language?: string;
}

/** The properties of meta.xml, or none when it is missing; a broken meta.xml is CORRUPT. */
export function readOdtMeta(xml: Buffer | undefined): OdtMeta {
  if (!xml) return {};
  const meta = child(parseXmlTree(xml, 'meta.xml'), 'office:meta');
  if (!meta) return {};
  const text = (name: string) => {
    const values = elements(meta, name).map((e) => allText(e).replace(/\s+/g, ' ').trim()).filter(Boolean);
    return values.length > 0 ? values.join(', ') : undefined;
  };
  const props: OdtMeta = {};
  const set = (key: keyof OdtMeta, value: string | undefined) => {
    if (value) props[key] = value;
  };
  set('title', text('dc:title'));
  set('subject', text('dc:subject'));
  set('description', text('dc:description'));
  set('keywords', text('meta:keyword'));
  set('creator', text('meta:initial-creator') ?? text('dc:creator'));
  set('lastModifiedBy', text('dc:creator'));
  set('created', isoDate(text('meta:creation-date')));
  set('modified', isoDate(text('dc:date')));
  set('language', text('dc:language'));
  return props;
}

/**
 * An xsd:dateTime as ISO 8601 UTC. ODF writers mostly give no time zone ("2007-09-14T11:06:08"):
 * read as UTC, not as the worker's local time, so the same file gives the same metadata anywhere.
 */
function isoDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(value) || !value.includes('T') ? value : `${value}Z`;
  const date = new Date(zoned);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
