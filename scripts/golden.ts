/**
 * Golden files: the Document each generated fixture extracts to, in protobuf text format, checked
 * in under fixtures/expected/. `npm run golden` rewrites them; test/golden.test.ts fails when the
 * extraction no longer matches, so a change of extraction shows up as a diff a reviewer reads.
 */
import fs from 'node:fs';
import path from 'node:path';
import { toText } from '@bufbuild/protobuf/txtpb';
import { DocumentSchema, decodeStoredDocument, unpackDocument } from '../src/document/index.js';
import { buildDocument } from '../src/extract/build-document.js';
import { detectFormat } from '../src/extract/index.js';
import { numberedListDocx, pdf, simpleDocx, textPage, textPdf } from './fixtures.js';

export const GOLDEN_DIR = path.resolve('fixtures', 'expected');

/** The fixtures with a golden file: small, deterministic, one per extraction path worth watching. */
export const GOLDEN_FIXTURES: Readonly<Record<string, () => Buffer>> = {
  'simple.docx': () => simpleDocx(),
  'lists.docx': numberedListDocx,
  'simple.pdf': () => textPdf(2, 'A Generated Report'),
  'bookmarks-one-page.pdf': () =>
    pdf([`BT /F1 12 Tf 72 720 Td 14 TL (Alpha) ' (Text about alpha.) ' ( ) ' (Beta) ' (Text about beta.) ' ET`, textPage(['Second page.'])], {
      outline: [
        { title: 'Alpha', page: 0 },
        { title: 'Beta', page: 0 },
      ],
    }),
  'paragraphs.pdf': () =>
    pdf([
      textPage([
        'A paragraph of generated text that runs over more than one printed line so that',
        'the layout joins its lines into one, with a hyphenated com-',
        'pile across the break, as compile appears elsewhere.',
      ]),
    ]),
};

/** The Document a fixture extracts to, in text format (the worker's own code, in this process). */
export async function goldenText(name: string, bytes: Buffer): Promise<string> {
  const built = await buildDocument({
    format: detectFormat(name, bytes),
    source: { bytes: new Uint8Array(bytes) },
    sha256: 'golden',
    filenameId: name,
    docMetadata: undefined,
  });
  return `# ${name}, extracted by ${built.extractor}; regenerate with npm run golden\n${toText(DocumentSchema, decodeStoredDocument(await unpackDocument(built.document)))}`;
}

if (process.argv[1]?.endsWith('golden.js')) {
  fs.mkdirSync(GOLDEN_DIR, { recursive: true });
  for (const [name, make] of Object.entries(GOLDEN_FIXTURES)) {
    const file = path.join(GOLDEN_DIR, `${name}.txtpb`);
    fs.writeFileSync(file, await goldenText(name, make()));
    console.log(path.relative(process.cwd(), file));
  }
}
