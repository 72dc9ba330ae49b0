import { cleanTitle } from '../title.js';
import { decodeXml } from '../xml-walk.js';

/** Where an OOXML package (docx, pptx) keeps its core properties. */
export const CORE_PART = 'docProps/core.xml';

/** docProps/core.xml fields (Dublin Core + OPC core properties) read with plain patterns. */
export interface CoreProperties {
  title?: string;
  subject?: string;
  keywords?: string;
  creator?: string;
  lastModifiedBy?: string;
  created?: string;
  modified?: string;
}

const FIELDS: Record<keyof CoreProperties, string> = {
  title: 'dc:title',
  subject: 'dc:subject',
  keywords: 'cp:keywords',
  creator: 'dc:creator',
  lastModifiedBy: 'cp:lastModifiedBy',
  created: 'dcterms:created',
  modified: 'dcterms:modified',
};

export function readCoreProperties(xml: string | undefined): CoreProperties {
  const props: CoreProperties = {};
  if (!xml) return props;
  for (const [key, tag] of Object.entries(FIELDS) as [keyof CoreProperties, string][]) {
    const m = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(xml);
    const value = m ? decodeXmlText(m[1]!).trim() : '';
    if (value === '') continue;
    if (key === 'created' || key === 'modified') {
      const date = new Date(value);
      if (!Number.isNaN(date.getTime())) props[key] = date.toISOString();
    } else {
      props[key] = value;
    }
  }
  return props;
}

/**
 * An OOXML package's core properties as Document metadata (title, subject, keywords, creator,
 * lastModifiedBy, created, modified), its title cleaned (`cleanTitle`: null for a junk one, which
 * the metadata then leaves out).
 */
export function coreMetadata(parts: ReadonlyMap<string, Buffer>): { title: string | null; metadata: Record<string, string> } {
  const { title: raw, ...rest } = readCoreProperties(parts.get(CORE_PART)?.toString('utf8'));
  const title = cleanTitle(raw);
  return { title, metadata: { ...(title ? { title } : {}), ...rest } };
}

/**
 * Outline level (1–6) of each paragraph style that defines one, directly or through basedOn:
 * custom heading styles carry <w:outlineLvl w:val="0..5"/> instead of a "Heading N" name.
 */
export function readStyleOutlineLevels(xml: string | undefined): Map<string, number> {
  const levels = new Map<string, number>();
  if (!xml) return levels;
  const basedOn = new Map<string, string>();
  for (const m of xml.matchAll(/<w:style\b[^>]*w:styleId="([^"]+)"[^>]*>([\s\S]*?)<\/w:style>/g)) {
    const [, id, body] = m as unknown as [string, string, string];
    const lvl = /<w:outlineLvl\s+w:val="(\d)"/.exec(body);
    if (lvl && Number(lvl[1]) <= 5) levels.set(id, Number(lvl[1]) + 1);
    const base = /<w:basedOn\s+w:val="([^"]+)"/.exec(body);
    if (base) basedOn.set(id, base[1]!);
  }
  for (const id of basedOn.keys()) {
    let cursor: string | undefined = id;
    for (let hops = 0; cursor && !levels.has(cursor) && hops < 10; hops++) cursor = basedOn.get(cursor);
    if (cursor && cursor !== id && levels.has(cursor) && !levels.has(id)) levels.set(id, levels.get(cursor)!);
  }
  return levels;
}

function decodeXmlText(s: string): string {
  return decodeXml(s.replace(/<[^>]+>/g, ''));
}
