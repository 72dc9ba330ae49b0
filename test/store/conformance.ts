import { ConflictError, QuotaExceededError } from '../../src/errors/index.js';
import type { QuotaDefaults } from '../../src/config/index.js';
import { encodeDocument, packDocument } from '../../src/document/index.js';
import type { NewDocument, Store } from '../../src/store/index.js';
import { quotaPolicy, UNLIMITED, type ScopeUsage } from '../../src/quota/index.js';
import { sampleDocument } from '../helpers/documents.js';
import { describeJobStore } from './job-conformance.js';

export const NO_DEFAULTS: QuotaDefaults = { corpusMaxChars: null, corpusMaxDocs: null, customerMaxChars: null, customerMaxDocs: null };

/**
 * The behaviour every DocumentStore must have. `open` gives a store on empty storage; calling
 * it again with `reuse` opens the same storage again (a restart).
 */
export type OpenStore = (reuse?: Store) => Promise<Store>;

/** The quota policies the suite stores under: no defaults, and a customer default of one document. */
const OPEN = quotaPolicy(NO_DEFAULTS);
const LIMITED = quotaPolicy({ ...NO_DEFAULTS, customerMaxDocs: 1 });

const C = '42';
const O = '7';
const key = (documentId: string) => ({ customerId: C, corpusId: O, documentId });

/** A binary Document; `large` gives it a long title, enough to be stored deflated. */
const encoded = (documentId: string, large = false): Uint8Array =>
  encodeDocument(sampleDocument(documentId, large ? { title: 'a compressible title '.repeat(2000) } : {}));

function newDoc(documentId: string, contentHash: string, numChars = 10, numMetadataChars = 2, metadataJson = ''): NewDocument {
  return {
    key: key(documentId),
    contentHash,
    uploadHash: `upload of ${contentHash}`,
    document: packDocument(encoded(documentId)),
    charge: { numChars, numMetadataChars },
    title: `title of ${documentId}`,
    metadataJson,
    provenance: { sourceSha256: 'f'.repeat(64), sourceSize: 3, sourceFormat: 'text', uploader: 'tester', extractor: 'test', extractionMs: 1 },
  };
}

export function describeStore(name: string, open: OpenStore): void {
  describe(`${name} conforms to Store`, () => {
    describeJobStore(open);

    let store: Store;
    const stores: Store[] = [];
    const openTracked = async (reuse?: Store) => {
      const s = await open(reuse);
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

    it('gives a deflated Document back as it was encoded', async () => {
      const original = encoded('big', true);
      const doc = { ...newDoc('big', 'hb'), document: packDocument(original) };
      expect(doc.document.encoding).toBe('deflate');
      expect(doc.document.bytes.byteLength).toBeLessThan(original.byteLength / 10);
      await store.putIfAbsent(doc, OPEN.admit);
      expect(await store.getDocument(key('big'))).toEqual(original);
    });

    it('inserts, charges both scopes and returns what it stored', async () => {
      const doc = newDoc('a', 'h1', 10, 2);
      const outcome = await store.putIfAbsent(doc, OPEN.admit);
      expect(outcome.status).toBe('created');
      expect(outcome.stored.charge).toEqual({ numChars: 10, numMetadataChars: 2 });
      expect(await store.getDocument(key('a'))).toEqual(encoded('a'));
      expect(await store.findDocument(key('a'))).toMatchObject({ contentHash: 'h1', charge: { numChars: 10, numMetadataChars: 2 } });
      expect(await store.findDocumentByUploadHash({ customerId: C, corpusId: O }, 'upload of h1')).toMatchObject({ key: key('a'), contentHash: 'h1' });
      expect(await store.findDocumentByUploadHash({ customerId: C, corpusId: O }, 'h1')).toBeNull(); // a content hash is not an upload hash
      expect(await store.findDocumentByUploadHash({ customerId: C, corpusId: '8' }, 'upload of h1')).toBeNull();
      for (const ref of [{ customerId: C }, { customerId: C, corpusId: O }]) {
        expect(await store.getUsage(ref)).toMatchObject({ usedChars: 12, usedTextChars: 10, usedMetadataChars: 2, usedDocs: 1 });
      }
    });

    it('replays the same content without charging, refuses other content with ConflictError', async () => {
      await store.putIfAbsent(newDoc('a', 'h1'), OPEN.admit);
      const replay = await store.putIfAbsent(newDoc('a', 'h1', 999, 999), OPEN.admit);
      expect(replay.status).toBe('replayed');
      expect(replay.stored.charge).toEqual({ numChars: 10, numMetadataChars: 2 });
      await expect(store.putIfAbsent(newDoc('a', 'h2'), OPEN.admit)).rejects.toBeInstanceOf(ConflictError);
      expect(await store.getUsage({ customerId: C, corpusId: O })).toMatchObject({ usedChars: 12, usedDocs: 1 });
      expect(await store.findDocument(key('a'))).toMatchObject({ contentHash: 'h1' });
    });

    it('gives exactly one "created" to concurrent writers of one key', async () => {
      const different = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.putIfAbsent(newDoc('race', `h${i}`), OPEN.admit)));
      expect(different.filter((r) => r.status === 'fulfilled' && r.value.status === 'created')).toHaveLength(1);
      expect(different.filter((r) => r.status === 'rejected' && r.reason instanceof ConflictError)).toHaveLength(19);
      const same = await Promise.all(Array.from({ length: 20 }, () => store.putIfAbsent(newDoc('same', 'hs'), OPEN.admit)));
      expect(same.filter((r) => r.status === 'created')).toHaveLength(1);
      expect(await store.getUsage({ customerId: C, corpusId: O })).toMatchObject({ usedDocs: 2, usedChars: 24 });
    });

    it('refuses past a corpus character limit, naming the scope, and changes nothing', async () => {
      expect(await store.setQuota({ customerId: C, corpusId: O }, { maxChars: 20 })).toBe(true);
      await store.putIfAbsent(newDoc('a', 'h1', 10, 2), OPEN.admit);
      const err = await store.putIfAbsent(newDoc('b', 'h2', 10, 2), OPEN.admit).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QuotaExceededError);
      expect((err as QuotaExceededError).extra).toEqual({ scope: 'corpus', unit: 'chars', limit: 20, used: 12, needed: 12 });
      expect(await store.findDocument(key('b'))).toBeNull();
      expect(await store.getUsage({ customerId: C })).toMatchObject({ usedChars: 12, usedDocs: 1 });
      await expect(store.putIfAbsent(newDoc('c', 'h3', 6, 2), OPEN.admit)).resolves.toMatchObject({ status: 'created' });
    });

    it('applies configured defaults, with per-scope overrides (unlimited, reset to default)', async () => {
      const limited = await openTracked();
      await limited.createCorpus({ customerId: C, corpusId: O, name: 'main' });
      await limited.putIfAbsent(newDoc('a', 'h1'), LIMITED.admit);
      const err = await limited.putIfAbsent(newDoc('b', 'h2'), LIMITED.admit).catch((e: unknown) => e);
      expect((err as QuotaExceededError).extra).toMatchObject({ scope: 'customer', unit: 'documents', limit: 1, used: 1, needed: 1 });
      await limited.setQuota({ customerId: C }, { maxDocs: UNLIMITED });
      await expect(limited.putIfAbsent(newDoc('b', 'h2'), LIMITED.admit)).resolves.toMatchObject({ status: 'created' });
      await limited.setQuota({ customerId: C }, { maxDocs: null });
      await expect(limited.putIfAbsent(newDoc('c', 'h3'), LIMITED.admit)).rejects.toBeInstanceOf(QuotaExceededError);
    });

    it('asks the quota policy about the customer, then the corpus, and stores nothing it refuses', async () => {
      const asked: string[] = [];
      const refuseCorpus = (usage: ScopeUsage) => {
        asked.push(`${usage.scope}:${usage.usedDocs}`);
        if (usage.scope === 'corpus') throw new QuotaExceededError({ scope: 'corpus', unit: 'documents', limit: 0, used: usage.usedDocs, needed: 1 });
      };
      await expect(store.putIfAbsent(newDoc('refused', 'hr'), refuseCorpus)).rejects.toBeInstanceOf(QuotaExceededError);
      expect(asked).toEqual(['customer:0', 'corpus:0']);
      expect(await store.findDocument(key('refused'))).toBeNull();
      expect(await store.getUsage({ customerId: C })).toMatchObject({ usedDocs: 0, usedChars: 0 });
      // A replay is answered before the policy is asked: it stores and charges nothing.
      await store.putIfAbsent(newDoc('a', 'h1'), OPEN.admit);
      asked.length = 0;
      expect((await store.putIfAbsent(newDoc('a', 'h1'), refuseCorpus)).status).toBe('replayed');
      expect(asked).toEqual([]);
    });

    it('reports unknown scopes', async () => {
      expect(await store.setQuota({ customerId: '999' }, { maxChars: 1 })).toBe(false);
      expect(await store.getUsage({ customerId: C, corpusId: '999' })).toBeNull();
    });

    it('lists in id byte order with keyset cursors, prefixes and metadata equality', async () => {
      const ids = ['b', 'a', 'é', 'ab', 'Z', 'a/b'];
      for (const [i, id] of ids.entries()) {
        await store.putIfAbsent(newDoc(id, `h${i}`, 1, 1, i % 2 ? JSON.stringify({ lang: 'en', n: i }) : ''), OPEN.admit);
      }
      const ref = { customerId: C, corpusId: O };
      const all = await store.listDocuments(ref, { limit: 100 });
      // Byte order of UTF-8: upper case before lower case, "é" (0xC3…) last.
      expect(all.documents.map((d) => d.key.documentId)).toEqual(['Z', 'a', 'a/b', 'ab', 'b', 'é']);
      expect(all.hasMore).toBe(false);
      const first = await store.listDocuments(ref, { limit: 2 });
      expect(first).toMatchObject({ hasMore: true });
      const rest = await store.listDocuments(ref, { limit: 10, after: first.documents.at(-1)!.key.documentId });
      expect(rest.documents.map((d) => d.key.documentId)).toEqual(['a/b', 'ab', 'b', 'é']);
      expect((await store.listDocuments(ref, { limit: 10, idPrefix: 'a' })).documents.map((d) => d.key.documentId)).toEqual(['a', 'a/b', 'ab']);
      const en = await store.listDocuments(ref, { limit: 10, metadataEquals: [{ key: 'lang', value: 'en' }] });
      expect(en.documents.map((d) => d.key.documentId)).toEqual(['a', 'a/b', 'ab']);
      const n3 = await store.listDocuments(ref, { limit: 10, metadataEquals: [{ key: 'lang', value: 'en' }, { key: 'n', value: 3 }] });
      expect(n3.documents.map((d) => d.key.documentId)).toEqual(['ab']);
      expect(all.documents[0]).toMatchObject({ title: 'title of Z', metadataJson: '' });
      expect(all.documents[2]).toMatchObject({
        title: 'title of a/b',
        metadataJson: '{"lang":"en","n":5}',
        provenance: { sourceSha256: 'f'.repeat(64), sourceSize: 3, sourceFormat: 'text', uploader: 'tester', extractor: 'test', extractionMs: 1 },
      });
      expect(await store.getDocumentRecord(key('b'))).toMatchObject({ key: key('b'), title: 'title of b' });
      expect(await store.getDocumentRecord(key('nope'))).toBeNull();
    });

    it('deletes a document and gives its charge back to both scopes', async () => {
      await store.putIfAbsent(newDoc('a', 'h1', 10, 2), OPEN.admit);
      await store.putIfAbsent(newDoc('b', 'h2', 5, 1), OPEN.admit);
      expect(await store.deleteDocument(key('a'))).toBe(true);
      expect(await store.deleteDocument(key('a'))).toBe(false);
      for (const ref of [{ customerId: C }, { customerId: C, corpusId: O }]) {
        expect(await store.getUsage(ref)).toMatchObject({ usedChars: 6, usedTextChars: 5, usedMetadataChars: 1, usedDocs: 1 });
      }
      expect(await store.findDocument(key('a'))).toBeNull();
      await expect(store.putIfAbsent(newDoc('a', 'other'), OPEN.admit)).resolves.toMatchObject({ status: 'created' });
    });

    it('lists corpora in numeric order', async () => {
      await store.createCorpus({ customerId: C, corpusId: '10', name: 'ten' });
      await store.createCorpus({ customerId: C, corpusId: '9', name: 'nine' });
      await store.createCorpus({ customerId: '43', corpusId: '1', name: 'other customer' });
      expect((await store.listCorpora(C)).map((c) => c.corpusId)).toEqual([O, '9', '10']);
    });

    it('stores, lists and revokes API keys', async () => {
      const base = { customerId: C, role: 'index' as const, secretSha256: 'a'.repeat(64), name: 'ci', expiresAt: null, revokedAt: null };
      await store.createApiKey({ ...base, keyId: '00000000000000a1', corpusIds: null, createdAt: '2026-01-01T00:00:00.000Z' });
      await store.createApiKey({ ...base, keyId: '00000000000000a2', corpusIds: [O], createdAt: '2026-01-02T00:00:00.000Z' });
      await store.createApiKey({ ...base, keyId: '00000000000000b1', customerId: '43', corpusIds: null, createdAt: '2026-01-03T00:00:00.000Z' });
      expect(await store.getApiKey('00000000000000a2')).toEqual({ ...base, keyId: '00000000000000a2', corpusIds: [O], createdAt: '2026-01-02T00:00:00.000Z' });
      expect((await store.listApiKeys(C)).map((k) => k.keyId)).toEqual(['00000000000000a2', '00000000000000a1']);
      expect(await store.listApiKeys()).toHaveLength(3);
      expect(await store.revokeApiKey('00000000000000a1', '2026-02-01T00:00:00.000Z')).toBe(true);
      // Revoking again keeps the first time.
      await store.revokeApiKey('00000000000000a1', '2026-03-01T00:00:00.000Z');
      expect((await store.getApiKey('00000000000000a1'))?.revokedAt).toBe('2026-02-01T00:00:00.000Z');
      expect(await store.revokeApiKey('ffffffffffffffff', '2026-02-01T00:00:00.000Z')).toBe(false);
      expect(await store.getApiKey('ffffffffffffffff')).toBeNull();
    });

    it('keeps everything across a reopen', async () => {
      await store.putIfAbsent(newDoc('kept', 'hk', 5, 1), OPEN.admit);
      await store.setQuota({ customerId: C, corpusId: O }, { maxChars: 1000 });
      const reopened = await openTracked(store);
      expect(await reopened.findDocument(key('kept'))).toMatchObject({ contentHash: 'hk', charge: { numChars: 5, numMetadataChars: 1 } });
      expect(await reopened.getUsage({ customerId: C, corpusId: O })).toMatchObject({ usedChars: 6, usedDocs: 1, maxChars: 1000 });
      expect((await reopened.putIfAbsent(newDoc('kept', 'hk'), OPEN.admit)).status).toBe('replayed');
    });
  });
}
