import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { DocumentSchema, type Document } from '../../src/document/index.js';
import { simpleDocx } from '../../scripts/fixtures.js';
import { deepSectionsPb, fuzzCase, fuzzCases, lcg, readZip } from '../../scripts/attack-files.js';
import { CORPUS_DIR, loadManifest } from '../helpers/corpus.js';

/** The attack suite's generators: the same seed must give the same bytes, or a report cannot be replayed. */

const sha256 = (bytes: Uint8Array) => crypto.createHash('sha256').update(bytes).digest('hex');

describe('the seeded fuzzer', () => {
  it('draws the issue\'s LCG sequence', () => {
    const r = lcg(17);
    expect([r(), r(), r()]).toEqual([0.7356993512882383, 0.5051373245684139, 0.2201913596224931]);
  });

  it('gives the same files for the same seeds, and names them by how they were made', () => {
    const source = { name: 'generated.docx', bytes: simpleDocx() };
    const a = fuzzCases([source], { count: 8, firstSeed: 5, mutations: ['xml', 'bytes', 'truncate', 'duplicate'] });
    const b = fuzzCases([source], { count: 8, firstSeed: 5, mutations: ['xml', 'bytes', 'truncate', 'duplicate'] });
    expect(a.map((c) => sha256(c.bytes))).toEqual(b.map((c) => sha256(c.bytes)));
    expect(a.map((c) => c.name).slice(0, 4)).toEqual(['generated~xml-5.docx', 'generated~bytes-6.docx', 'generated~truncate-7.docx', 'generated~duplicate-8.docx']);
    expect(new Set(a.map((c) => sha256(c.bytes))).size).toBe(8);
  });

  it('re-zips a docx whose XML it damaged, so the damage reaches the XML parser', () => {
    const damaged = fuzzCase({ name: 'g.docx', bytes: simpleDocx() }, 'xml', 3).bytes;
    const names = readZip(damaged).map((e) => e.name);
    expect(names).toEqual(readZip(simpleDocx()).map((e) => e.name));
  });

  const standardFonts = loadManifest() ? path.join(CORPUS_DIR, 'pdfjs__standard_fonts.pdf') : null;
  (standardFonts ? it : it.skip)('rebuilds the issue\'s pdf.js repro (pdfjs__standard_fonts.pdf, seeds 17, 23, 30) byte for byte', () => {
    const source = { name: 'pdfjs__standard_fonts.pdf', bytes: fs.readFileSync(standardFonts!) };
    expect([17, 23, 30].map((seed) => sha256(fuzzCase(source, 'bytes', seed).bytes))).toEqual([
      'e10193b668cea0df7533919ec1c35da5e7b34942cbe12594d08ddadd3660c04d',
      '024e550161a12ff14c0b77da38c5066df0bc841e5f173012e279f6ec61b73690',
      '40c629da72cabbe5cd3843320ebf8b05ff424276503b332794b85d9bc0790414',
    ]);
  });
});

describe('deep Documents', () => {
  it('writes a .pb Document whose sections nest exactly as deep as asked', () => {
    const document = fromBinary(DocumentSchema, deepSectionsPb('deep', 50));
    expect(document.documentId).toBe('deep');
    let depth = 0;
    for (let level: Pick<Document, 'section'> = document; level.section.length > 0; level = level.section[0]!) depth++;
    expect(depth).toBe(50);
  });
});
