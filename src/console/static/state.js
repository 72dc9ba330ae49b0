// What the console shows, and the part of it kept in the URL so that a reload restores it.

export const state = {
  /** GET /v2/whoami of the signed-in credential. */
  /** @type {{subject: string, kind: string, customer_id: string | null, scopes: string[], corpus_ids: string[] | null} | null} */
  who: null,
  /** @type {Array<{id: string, name: string}>} */
  corpora: [],
  /** @type {string | null} */
  corpus: null,
  prefix: '',
  /** Page keys of the pages visited so far; the last one is the page shown ("" = first page). */
  pages: [''],
  nextKey: '',
  /** @type {string | null} */
  openId: null,
  /** @type {'documents' | 'quotas' | 'keys'} */
  tab: 'documents',
  /** Bumped by sign-out: answers that arrive later are dropped. */
  session: 0,
};

export const TABS = /** @type {const} */ (['documents', 'quotas', 'keys']);

/** The newest load of each view: a late answer never paints over a newer one. */
const latest = { usage: 0, list: 0, detail: 0, jobs: 0, quotas: 0, keys: 0 };

/** @param {keyof typeof latest} view @returns {() => boolean} true while this load is the newest */
export function ticket(view) {
  const mine = ++latest[view];
  const session = state.session;
  return () => mine === latest[view] && session === state.session;
}

/** The tab, corpus and open document named by the URL's query (?tab=…&corpus=…&doc=…). */
export function readLocation() {
  const query = new URLSearchParams(location.search);
  const tab = query.get('tab');
  return {
    tab: TABS.find((t) => t === tab) ?? 'documents',
    corpus: query.get('corpus'),
    doc: query.get('doc'),
  };
}

/** The URL that shows this tab, corpus and document (relative to /console/). */
export function locationFor(/** @type {{tab?: string, corpus?: string | null, doc?: string | null}} */ where) {
  const query = new URLSearchParams();
  if (where.tab && where.tab !== 'documents') query.set('tab', where.tab);
  if (where.corpus) query.set('corpus', where.corpus);
  if (where.doc) query.set('doc', where.doc);
  const search = query.toString();
  return search === '' ? location.pathname : `${location.pathname}?${search}`;
}

/** Puts what is shown now into the URL (replacing the entry: Back leaves the console). */
export function writeLocation() {
  const url = locationFor({ tab: state.tab, corpus: state.corpus, doc: state.openId });
  if (url !== `${location.pathname}${location.search}`) history.replaceState(null, '', url);
}
