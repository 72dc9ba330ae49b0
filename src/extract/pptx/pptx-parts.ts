import path from 'node:path';
import { ExtractionError } from '../../errors/index.js';
import { child, elements, parseXmlTree, type XmlNode } from '../xml-tree.js';
import type { ZipContents } from '../zip-guard.js';

/** One relationship of a part: its target part's name inside the ZIP, and its type's last segment ('slide', 'notesSlide'). */
export interface Relationship {
  readonly target: string;
  readonly type: string;
  readonly external: boolean;
}

export const PRESENTATION = 'ppt/presentation.xml';

/** The _rels part of `part`: 'ppt/slides/slide1.xml' → 'ppt/slides/_rels/slide1.xml.rels'. */
function relsName(part: string): string {
  return path.posix.join(path.posix.dirname(part), '_rels', `${path.posix.basename(part)}.rels`);
}

/**
 * The relationships of `part` by id, targets resolved against the part's folder (a leading '/'
 * is from the package root). A part without a _rels part has none; a broken one is CORRUPT.
 */
export function relationships(zip: ZipContents, part: string): Map<string, Relationship> {
  const name = relsName(part);
  const bytes = zip.parts.get(name);
  const rels = new Map<string, Relationship>();
  if (!bytes) return rels;
  for (const rel of elements(parseXmlTree(bytes, name), 'rel:Relationship')) {
    const { Id: id, Target: target = '', Type: type = '', TargetMode: mode } = rel.attrs;
    if (!id) continue;
    const external = mode === 'External';
    const resolved = external ? target : target.startsWith('/') ? target.slice(1) : path.posix.normalize(path.posix.join(path.posix.dirname(part), target));
    rels.set(id, { target: resolved, type: type.slice(type.lastIndexOf('/') + 1), external });
  }
  return rels;
}

/** The parsed part, or undefined when the package does not have it. */
export function readPart(zip: ZipContents, name: string): XmlNode | undefined {
  const bytes = zip.parts.get(name);
  return bytes ? parseXmlTree(bytes, name) : undefined;
}

/**
 * The slide parts in presentation order: p:sldIdLst of presentation.xml, each r:id through the
 * presentation's relationships. An id that names no slide part is skipped (`missing` counts it).
 */
export function slideOrder(zip: ZipContents): { slides: string[]; missing: number } {
  const presentation = readPart(zip, PRESENTATION);
  if (!presentation || presentation.name !== 'p:presentation') throw new ExtractionError('CORRUPT', `the pptx has no readable ${PRESENTATION}`);
  const rels = relationships(zip, PRESENTATION);
  const slides: string[] = [];
  let missing = 0;
  for (const id of elements(child(presentation, 'p:sldIdLst') ?? presentation, 'p:sldId')) {
    const rel = rels.get(id.attrs['r:id'] ?? '');
    if (rel && !rel.external && zip.parts.has(rel.target)) slides.push(rel.target);
    else missing++;
  }
  return { slides, missing };
}
