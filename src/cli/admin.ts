import { LOCAL_OPERATOR, mintToken, parseTtl, resolveKeySource } from '../auth/index.js';
import type { Config } from '../config/index.js';
import { UNLIMITED, type StoredLimit } from '../quota/index.js';
import { ensureCorpus, setQuota, showQuota } from '../usecases/index.js';
import { corpusIdOption, customerIdOption, parseCommandLine, UsageError } from './args.js';
import { withLocalUseCases } from './local-use-cases.js';

/** `corpusgate token --customer C [--corpus O …] [--ttl 1h] [--scope "…"]` */
export async function tokenCommand(config: Config, argv: string[]): Promise<void> {
  const o = parseCommandLine(argv, {
    customer: { type: 'string' },
    corpus: { type: 'string', multiple: true },
    ttl: { type: 'string' },
    scope: { type: 'string' },
    subject: { type: 'string' },
  }).values;
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
  const o = parseCommandLine(rest, { customer: { type: 'string' }, corpus: { type: 'string' }, name: { type: 'string' } }).values;
  const ref = { customerId: customerIdOption(o.customer as string | undefined), corpusId: corpusIdOption(o.corpus as string | undefined) };
  const name = (o.name as string | undefined)?.trim();
  if (!name) throw new UsageError('--name is required');
  const { created } = await withLocalUseCases(config, (deps) => ensureCorpus(deps, LOCAL_OPERATOR, { ...ref, name }));
  console.log(created ? `created corpus ${ref.corpusId} for customer ${ref.customerId}` : `corpus ${ref.corpusId} of customer ${ref.customerId} already exists`);
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
  const o = parseCommandLine(rest, { customer: { type: 'string' }, corpus: { type: 'string' }, chars: { type: 'string' }, docs: { type: 'string' } }).values;
  const ref = {
    customerId: customerIdOption(o.customer as string | undefined),
    ...(o.corpus !== undefined ? { corpusId: corpusIdOption(o.corpus as string) } : {}),
  };
  const what = ref.corpusId === undefined ? `customer ${ref.customerId}` : `corpus ${ref.corpusId} of customer ${ref.customerId}`;
  const chars = limitOption(o.chars as string | undefined, '--chars');
  const docs = limitOption(o.docs as string | undefined, '--docs');
  if (sub === 'set' && chars === undefined && docs === undefined) throw new UsageError('give --chars and/or --docs');
  const update = { ...(chars !== undefined ? { maxChars: chars } : {}), ...(docs !== undefined ? { maxDocs: docs } : {}) };
  const { usage, inForce } = await withLocalUseCases(config, (deps) =>
    sub === 'set' ? setQuota(deps, LOCAL_OPERATOR, ref, update) : showQuota(deps, LOCAL_OPERATOR, ref),
  );
  console.log(
    `${what}: chars ${usage.usedChars} of ${inForce.maxChars ?? 'unlimited'} (text ${usage.usedTextChars}, metadata ${usage.usedMetadataChars}); ` +
      `documents ${usage.usedDocs} of ${inForce.maxDocs ?? 'unlimited'}`,
  );
}

function limitOption(value: string | undefined, name: string): StoredLimit | undefined {
  if (value === undefined) return undefined;
  if (value === 'unlimited') return UNLIMITED;
  if (value === 'default') return null;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new UsageError(`${name} must be a number, "unlimited" or "default"`);
  return Number(value);
}
