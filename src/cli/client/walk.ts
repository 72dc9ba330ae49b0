import fs from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../args.js';

/**
 * What the gateway can read; other files found in directories are left alone (and counted).
 * Images are read by OCR (a gateway with OCR=off answers 415 for them: counted as failed).
 */
export const UPLOADABLE_EXTENSIONS = ['.pdf', '.docx', '.txt', '.html', '.htm', '.xhtml', '.lxml', '.md', '.markdown', '.pptx', '.odt', '.rtf', '.epub', '.eml', '.doc', '.pb', '.pbtxt', '.json', '.jpg', '.jpeg', '.png', '.tif', '.tiff', '.bmp'] as const;

export interface LocalFile {
  /** Where to read it. */
  readonly path: string;
  /**
   * The name sent as the part's filename: the path relative to the directory argument (or the
   * file's own name for a file argument), `/`-separated and NFC, so that running again from
   * anywhere with the same arguments gives the same document ids.
   */
  readonly name: string;
}

export interface WalkResult {
  readonly files: readonly LocalFile[];
  /** Dot-files and dot-directories inside directory arguments (editor, VCS and OS droppings). */
  readonly skippedHidden: number;
  readonly skippedUnsupported: number;
}

/**
 * The files to upload under the given paths, directories recursively, in a stable (sorted)
 * order. A file named explicitly is always sent, whatever its extension: the person asked for
 * it, and the gateway's answer (415) says more than a silent skip. Symbolic links to files are
 * followed; links to directories are not, so a link cycle cannot loop.
 */
export async function collectFiles(paths: readonly string[]): Promise<WalkResult> {
  const files: LocalFile[] = [];
  const counts = { skippedHidden: 0, skippedUnsupported: 0 };
  for (const argument of paths) {
    const stat = await fs.stat(argument).catch(() => null);
    if (stat === null) throw new UsageError(`no such file or directory: ${argument}`);
    if (stat.isDirectory()) await walkDirectory(argument, '', files, counts);
    else if (stat.isFile()) files.push({ path: argument, name: path.basename(argument).normalize('NFC') });
    else throw new UsageError(`not a file or directory: ${argument}`);
  }
  return { files, ...counts };
}

async function walkDirectory(
  directory: string,
  relative: string,
  files: LocalFile[],
  counts: { skippedHidden: number; skippedUnsupported: number },
): Promise<void> {
  const entries = await fs.readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(directory, entry.name);
    // Ids use "/" whatever the platform, so that the same tree gives the same ids everywhere.
    const name = (relative === '' ? entry.name : `${relative}/${entry.name}`).normalize('NFC');
    if (entry.name.startsWith('.')) {
      counts.skippedHidden++;
      continue;
    }
    if (entry.isDirectory()) {
      await walkDirectory(full, name, files, counts);
      continue;
    }
    const isFile = entry.isFile() || (entry.isSymbolicLink() && (await fs.stat(full).catch(() => null))?.isFile() === true);
    if (!isFile) continue;
    if (!(UPLOADABLE_EXTENSIONS as readonly string[]).includes(path.extname(entry.name).toLowerCase())) {
      counts.skippedUnsupported++;
      continue;
    }
    files.push({ path: full, name });
  }
}
