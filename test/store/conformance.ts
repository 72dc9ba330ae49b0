import { ConflictError, QuotaExceededError } from '../../src/errors/index.js';
import type { QuotaDefaults } from '../../src/config/index.js';
import type { DocumentStore, NewDocument } from '../../src/store/index.js';
import { UNLIMITED } from '../../src/quota/index.js';

export const NO_DEFAULTS: QuotaDefaults = { corpusMaxChars: null, corpusMaxDocs: null, customerMaxChars: null, customerMaxDocs: null };

/**
 * The behaviour every DocumentStore must have. `open` gives a store on empty storage; calling
 * it again with `reuse` opens the same storage again (a restart).
 */
export type OpenStore = (defaults: QuotaDefaults, reuse?: DocumentStore) => Promise<DocumentStore>;

const C = '42';
const O = '7';
const key = (documentId: string) => ({ customerId: C, corpusId: O, documentId });

function newDoc(documentId: string, contentHash: string, numChars = 10, numMetadataChars = 2): NewDocument {
  return {
    key: key(documentId),
    contentHash,
    document: new Uint8Array([10, documentId.length, ...Buffer.from(documentId)]),
    charge: { numChars, numMetadataChars },
    title: '',
    metadataJson: '',
    provenance: { sourceSha256: 'f'.repeat(64), sourceSize: 3, sourceFormat: 'text', uploader: 'tester', extractor: 'test', extractionMs: 1 },
  };
}

export function describeStore(name: string, open: OpenStore): void {
  describe(`${name} conforms to DocumentStore`, () => {
    let store: DocumentStore;
    const stores: DocumentStore[] = [];
    const openTracked = async (defaults = NO_DEFAULTS, reuse?: DocumentStore) => {
      const s = await open(defaults, reuse);
      stores.push(s);
      return s;
    };

    beforeEach(async () => {
      store = await openTracked();
      await store.createCorpus({ customerId: C, corpusId: O, name: 'main' });
    });
    afterEach(async () => {
      for (const s of stores.splice(0)) await s.close();
    });

    it('creates a corpus once', async () => {
      expect(await store.createCorpus({ customerId: C, corpusId: O, name: 'again' })).toEqual({ created: false });
      expect(await store.getCorpus({ customerId: C, corpusId: O })).toMatchObject({ name: 'main' });
      expect(await store.getCorpus({ customerId: C, corpusId: '8' })).toBeNull();
      expect(await store.getCorpus({ customerId: '43', corpusId: O })).toBeNull();
    });

    it('inserts, charges both scopes and returns what it stored', async () => {
      const doc = newDoc('a', 'h1', 10, 2);
      const outcome = await store.putIfAbsent(doc);
      expect(outcome.status).toBe('created');
      expect(outcome.stored.charge).toEqual({ numChars: 10, numMetadataChars: 2 });
      expect(await store.getDocument(key('a'))).toEqual(doc.document);
      expect(await store.findDocument(key('a'))).toMatchObject({ contentHash: 'h1', charge: { numChars: 10, numMetadataChars: 2 } });
      expect(await store.findDocumentByContentHash({ customerId: C, corpusId: O }, 'h1')).toMatchObject({ key: key('a') });
      expect(await store.findDocumentByContentHash({ customerId: C, corpusId: O }, 'nope')).toBeNull();
      for (const ref of [{ customerId: C }, { customerId: C, corpusId: O }]) {
        expect(await store.getUsage(ref)).toMatchObject({ usedChars: 12, usedTextChars: 10, usedMetadataChars: 2, usedDocs: 1 });
      }
    });

    it('replays the same content without charging, refuses other content with ConflictError', async () => {
      await store.putIfAbsent(newDoc('a', 'h1'));
      const replay = await store.putIfAbsent(newDoc('a', 'h1', 999, 999));
      expect(replay.status).toBe('replayed');
      expect(replay.stored.charge).toEqual({ numChars: 10, numMetadataChars: 2 });
      await expect(store.putIfAbsent(newDoc('a', 'h2'))).rejects.toBeInstanceOf(ConflictError);
      expect(await store.getUsage({ customerId: C, corpusId: O })).toMatchObject({ usedChars: 12, usedDocs: 1 });
      expect(await store.findDocument(key('a'))).toMatchObject({ contentHash: 'h1' });
    });

    it('gives exactly one "created" to concurrent writers of one key', async () => {
      const different = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.putIfAbsent(newDoc('race', `h${i}`))));
      expect(different.filter((r) => r.status === 'fulfilled' && r.value.status === 'created')).toHaveLength(1);
      expect(different.filter((r) => r.status === 'rejected' && r.reason instanceof ConflictError)).toHaveLength(19);
      const same = await Promise.all(Array.from({ length: 20 }, () => store.putIfAbsent(newDoc('same', 'hs'))));
      expect(same.filter((r) => r.status === 'created')).toHaveLength(1);
      expect(await store.getUsage({ customerId: C, corpusId: O })).toMatchObject({ usedDocs: 2, usedChars: 24 });
    });

    it('refuses past a corpus character limit, naming the scope, and changes nothing', async () => {
      expect(await store.setQuota({ customerId: C, corpusId: O }, { maxChars: 20 })).toBe(true);
      await store.putIfAbsent(newDoc('a', 'h1', 10, 2));
      const err = await store.putIfAbsent(newDoc('b', 'h2', 10, 2)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QuotaExceededError);
      expect((err as QuotaExceededError).extra).toEqual({ scope: 'corpus', unit: 'chars', limit: 20, used: 12, needed: 12 });
      expect(await store.findDocument(key('b'))).toBeNull();
      expect(await store.getUsage({ customerId: C })).toMatchObject({ usedChars: 12, usedDocs: 1 });
      await expect(store.putIfAbsent(newDoc('c', 'h3', 6, 2))).resolves.toMatchObject({ status: 'created' });
    });

    it('applies configured defaults, with per-scope overrides (unlimited, reset to default)', async () => {
      const limited = await openTracked({ ...NO_DEFAULTS, customerMaxDocs: 1 });
      await limited.createCorpus({ customerId: C, corpusId: O, name: 'main' });
      await limited.putIfAbsent(newDoc('a', 'h1'));
      const err = await limited.putIfAbsent(newDoc('b', 'h2')).catch((e: unknown) => e);
      expect((err as QuotaExceededError).extra).toMatchObject({ scope: 'customer', unit: 'documents', limit: 1, used: 1, needed: 1 });
      await limited.setQuota({ customerId: C }, { maxDocs: UNLIMITED });
      await expect(limited.putIfAbsent(newDoc('b', 'h2'))).resolves.toMatchObject({ status: 'created' });
      await limited.setQuota({ customerId: C }, { maxDocs: null });
      await expect(limited.putIfAbsent(newDoc('c', 'h3'))).rejects.toBeInstanceOf(QuotaExceededError);
    });

    it('reports unknown scopes', async () => {
      expect(await store.setQuota({ customerId: '999' }, { maxChars: 1 })).toBe(false);
      expect(await store.getUsage({ customerId: C, corpusId: '999' })).toBeNull();
    });

    it('keeps everything across a reopen', async () => {
      await store.putIfAbsent(newDoc('kept', 'hk', 5, 1));
      await store.setQuota({ customerId: C, corpusId: O }, { maxChars: 1000 });
      const reopened = await openTracked(NO_DEFAULTS, store);
      expect(await reopened.findDocument(key('kept'))).toMatchObject({ contentHash: 'hk', charge: { numChars: 5, numMetadataChars: 1 } });
      expect(await reopened.getUsage({ customerId: C, corpusId: O })).toMatchObject({ usedChars: 6, usedDocs: 1, maxChars: 1000 });
      expect((await reopened.putIfAbsent(newDoc('kept', 'hk'))).status).toBe('replayed');
    });
  });
}
