import { mintToken, parseTtl, resolveKeySource } from '../auth/index.js';
import type { Config } from '../config/index.js';
import { UNLIMITED, effectiveLimit, type StoredLimit } from '../quota/index.js';
import { openStore } from '../server.js';
import { corpusIdOption, customerIdOption, parse, UsageError } from './args.js';

/** `corpusgate token --customer C [--corpus O …] [--ttl 1h] [--scope "…"]` */
export async function tokenCommand(config: Config, argv: string[]): Promise<void> {
  const o = parse(argv, {
    customer: { type: 'string' },
    corpus: { type: 'string', multiple: true },
    ttl: { type: 'string' },
    scope: { type: 'string' },
    subject: { type: 'string' },
  });
  const token = await mintToken(resolveKeySource(config), config.jwt, {
    customerId: customerIdOption(o.customer as string | undefined),
    corpusIds: ((o.corpus as string[] | undefined) ?? []).map(corpusIdOption),
    ttlSeconds: parseTtl((o.ttl as string | undefined) ?? '1h'),
    ...(o.scope !== undefined ? { scope: o.scope as string } : {}),
    ...(o.subject !== undefined ? { subject: o.subject as string } : {}),
  });
  console.log(token);
}

/** `corpusgate corpus create --customer C --corpus O --name N` */
export async function corpusCommand(config: Config, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'create') throw new UsageError('usage: corpusgate corpus create --customer C --corpus O --name N');
  const o = parse(rest, { customer: { type: 'string' }, corpus: { type: 'string' }, name: { type: 'string' } });
  const ref = { customerId: customerIdOption(o.customer as string | undefined), corpusId: corpusIdOption(o.corpus as string | undefined) };
  const name = (o.name as string | undefined)?.trim();
  if (!name) throw new UsageError('--name is required');
  const store = openStore(config, 'forCommand');
  try {
    const { created } = await store.createCorpus({ ...ref, name });
    console.log(created ? `created corpus ${ref.corpusId} for customer ${ref.customerId}` : `corpus ${ref.corpusId} of customer ${ref.customerId} already exists`);
  } finally {
    await store.close();
  }
}

/**
 * `corpusgate quota set --customer C [--corpus O] [--chars N|unlimited|default] [--docs …]`
 * `corpusgate quota show --customer C [--corpus O]`
 */
export async function quotaCommand(config: Config, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'set' && sub !== 'show') {
    throw new UsageError('usage: corpusgate quota set|show --customer C [--corpus O] [--chars N|unlimited|default] [--docs N|unlimited|default]');
  }
  const o = parse(rest, { customer: { type: 'string' }, corpus: { type: 'string' }, chars: { type: 'string' }, docs: { type: 'string' } });
  const ref = {
    customerId: customerIdOption(o.customer as string | undefined),
    ...(o.corpus !== undefined ? { corpusId: corpusIdOption(o.corpus as string) } : {}),
  };
  const what = ref.corpusId === undefined ? `customer ${ref.customerId}` : `corpus ${ref.corpusId} of customer ${ref.customerId}`;
  const store = openStore(config, 'forCommand');
  try {
    if (sub === 'set') {
      const chars = limitOption(o.chars as string | undefined, '--chars');
      const docs = limitOption(o.docs as string | undefined, '--docs');
      if (chars === undefined && docs === undefined) throw new UsageError('give --chars and/or --docs');
      const ok = await store.setQuota(ref, { ...(chars !== undefined ? { maxChars: chars } : {}), ...(docs !== undefined ? { maxDocs: docs } : {}) });
      if (!ok) throw new UsageError(`${what} does not exist`);
    }
    const usage = await store.getUsage(ref);
    if (!usage) throw new UsageError(`${what} does not exist`);
    const d = config.quotaDefaults;
    const isCorpus = ref.corpusId !== undefined;
    const maxChars = effectiveLimit(usage.maxChars, isCorpus ? d.corpusMaxChars : d.customerMaxChars);
    const maxDocs = effectiveLimit(usage.maxDocs, isCorpus ? d.corpusMaxDocs : d.customerMaxDocs);
    console.log(
      `${what}: chars ${usage.usedChars} of ${maxChars ?? 'unlimited'} (text ${usage.usedTextChars}, metadata ${usage.usedMetadataChars}); ` +
        `documents ${usage.usedDocs} of ${maxDocs ?? 'unlimited'}`,
    );
  } finally {
    await store.close();
  }
}

function limitOption(value: string | undefined, name: string): StoredLimit | undefined {
  if (value === undefined) return undefined;
  if (value === 'unlimited') return UNLIMITED;
  if (value === 'default') return null;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new UsageError(`${name} must be a number, "unlimited" or "default"`);
  return Number(value);
}
