import { MAX_PAGE_SIZE } from '../../usecases/documents/list.js';
import { GatewayClient, type DocumentInfo } from './http-client.js';
import { COMMON_OPTIONS, integerOption, parseClientCommandLine, resolveTarget } from './options.js';
import { UsageError } from '../args.js';

export const LS_USAGE = `usage: corpusgate ls --corpus O [--customer C] [--prefix P] [--page-size N] [--url URL]

  Prints every document of the corpus (or those whose id starts with P), one per line, in id
  order: id, title, characters charged for the text, created (tab-separated). Pages through
  the whole listing, --page-size documents per request (1 … ${MAX_PAGE_SIZE}, default ${MAX_PAGE_SIZE}).
  Environment: CORPUSGATE_URL, CORPUSGATE_API_KEY or CORPUSGATE_TOKEN`;

/** `corpusgate ls`: resolves with the exit code. */
export async function lsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientCommandLine(argv, { ...COMMON_OPTIONS, prefix: { type: 'string' }, 'page-size': { type: 'string' } }, LS_USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n\n${LS_USAGE}`);
  const target = resolveTarget(values, LS_USAGE);
  const limit = integerOption(values['page-size'], '--page-size', MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE);
  const client = new GatewayClient(target.connection, target.customerId);

  let pageKey = '';
  let count = 0;
  do {
    const page = await client.listDocuments(target.corpusId, { limit, pageKey, ...(values.prefix ? { idPrefix: values.prefix } : {}) });
    // Written page by page, so a large corpus streams instead of being held in memory.
    if (page.documents.length > 0) process.stdout.write(page.documents.map(documentLine).join(''));
    count += page.documents.length;
    pageKey = page.nextPageKey;
  } while (pageKey !== '');
  console.error(`${count} document${count === 1 ? '' : 's'}`);
  return 0;
}

/** Tabs separate the columns; ids hold no control characters, titles may, so those become spaces. */
function documentLine(d: DocumentInfo): string {
  const title = d.title.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return `${d.id}\t${title}\t${d.charge.num_chars}\t${d.created_at}\n`;
}
