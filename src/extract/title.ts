/**
 * Metadata titles that name nothing: empty, a file name, "Untitled", Word's "Microsoft Word - x.doc"
 * print-to-PDF prefix, a template's placeholder ("… (use style: paper title)", "Document1"). Such titles are skipped for the next source (outline, first heading).
 */
export function isJunkTitle(title: string | undefined | null): boolean {
  const t = (title ?? '').trim();
  if (t === '') return true;
  if (/^untitled(\s*\d*|[\s-]+document)?$/i.test(t)) return true;
  if (/^microsoft (word|powerpoint|excel)\s*-/i.test(t)) return true;
  // Template placeholders left in the metadata: "Paper Title (use style: paper title)", "Title of
  // the paper", "Document1".
  if (/\buse style\b/i.test(t) || /^title of\b/i.test(t) || /^(document|presentation|book)\s*\d+$/i.test(t)) return true;
  if (/\.(pdf|docx?|rtf|txt|odt|tex|dvi|ps|html?|indd|pages|xlsx?|pptx?)$/i.test(t)) return true;
  if (/^[a-z]:\\|^\/|\\/i.test(t)) return true;
  return false;
}

export function cleanTitle(title: string | undefined | null): string | null {
  if (isJunkTitle(title)) return null;
  return title!.replace(/\s+/g, ' ').trim();
}
