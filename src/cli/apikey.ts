import { keyIdOf, LOCAL_OPERATOR, parseTtl, ROLES } from '../auth/index.js';
import type { ApiKeyRole } from '../store/index.js';
import { createApiKey, listApiKeys, revokeApiKey, type UseCaseDeps } from '../usecases/index.js';
import { corpusIdOption, customerIdOption, parseCommandLine, pickSubcommand, UsageError } from './args.js';
import { withLocalUseCases } from './local-use-cases.js';
import type { AdminRun } from './admin.js';

const CREATE_USAGE = `usage: corpusgate apikey create --customer C [--corpus O …] --role index|query|admin|extractions [--expires 30d|2027-01-01] [--name N]
  Prints the new key on stdout, once (only its hash is stored): KEY=$(corpusgate apikey create …).
  --corpus (repeatable) limits it to those corpora; without, it may use every corpus of the customer.`;
const LIST_USAGE = `usage: corpusgate apikey list [--customer C]
  One line per key, tab-separated under a header: id, customer, role, corpora, state, created, expires, name.`;
const REVOKE_USAGE = `usage: corpusgate apikey revoke KEY_ID
  KEY_ID as \`apikey list\` prints it (16 hex digits), or the key itself, or its start (cgk_<id>…).`;
const USAGE = [CREATE_USAGE, LIST_USAGE, REVOKE_USAGE].join('\n\n');

/** `corpusgate apikey create|list|revoke`: keys are shown once, stored as a hash. */
export function apikeyCommand(argv: string[]): AdminRun {
  const [sub, ...rest] = argv;
  const run = pickSubcommand(sub, { create, list, revoke }, USAGE)(rest);
  return (config) => withLocalUseCases(config, run);
}

function create(argv: string[]): (deps: UseCaseDeps) => Promise<void> {
  const o = parseCommandLine(argv, {
    customer: { type: 'string' }, corpus: { type: 'string', multiple: true }, role: { type: 'string' },
    expires: { type: 'string' }, name: { type: 'string' },
  }, CREATE_USAGE).values;
  const customerId = customerIdOption(o.customer as string | undefined);
  const role = o.role as string | undefined;
  if (!ROLES.includes(role as ApiKeyRole)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  const input = {
    customerId,
    corpusIds: ((o.corpus as string[] | undefined) ?? []).map(corpusIdOption),
    role: role as ApiKeyRole,
    name: (o.name as string | undefined) ?? '',
    expiresAt: expiresAt(o.expires as string | undefined),
  };
  return async (deps) => {
    const { key, record } = await createApiKey(deps, LOCAL_OPERATOR, input);
    console.error(`created ${record.role} key ${record.keyId} for customer ${customerId}` +
      `${record.corpusIds ? ` (corpora ${record.corpusIds.join(', ')})` : ''}${record.expiresAt ? `, expires ${record.expiresAt}` : ''}.`);
    console.error('The key is shown only this once; store it now:');
    console.log(key);
  };
}

function list(argv: string[]): (deps: UseCaseDeps) => Promise<void> {
  const o = parseCommandLine(argv, { customer: { type: 'string' } }, LIST_USAGE).values;
  const customerId = o.customer === undefined ? undefined : customerIdOption(o.customer as string);
  return async (deps) => {
    const keys = await listApiKeys(deps, LOCAL_OPERATOR, customerId);
    if (keys.length === 0) return void console.error('no API keys');
    console.log(['id', 'customer', 'role', 'corpora', 'state', 'created', 'expires', 'name'].join('\t'));
    for (const k of keys) {
      const state = k.revokedAt ? `revoked ${k.revokedAt}` : k.expiresAt && Date.parse(k.expiresAt) <= Date.now() ? `expired ${k.expiresAt}` : 'active';
      console.log([k.keyId, k.customerId, k.role, k.corpusIds?.join(',') ?? '*', state, k.createdAt, k.expiresAt ?? 'never', k.name].join('\t'));
    }
  };
}

function revoke(argv: string[]): (deps: UseCaseDeps) => Promise<void> {
  const [given, ...extra] = parseCommandLine(argv, {}, REVOKE_USAGE, true).positionals;
  if (given === undefined || extra.length > 0) throw new UsageError(REVOKE_USAGE);
  const keyId = keyIdOf(given);
  if (keyId === null) throw new UsageError(`"${given}" is not a key id (16 hex digits, as apikey list prints it) nor a key (cgk_…)\n\n${REVOKE_USAGE}`);
  return async (deps) => {
    await revokeApiKey(deps, LOCAL_OPERATOR, keyId);
    console.log(`revoked API key ${keyId}`);
  };
}

/** "30d", "12h" (from now) or an ISO 8601 date/time; in the future. */
function expiresAt(value: string | undefined): string | null {
  if (value === undefined) return null;
  let at: number;
  if (/^\d+\s*[smhd]?$/.test(value.trim())) at = Date.now() + parseTtl(value) * 1000;
  else at = Date.parse(value);
  if (!Number.isFinite(at)) throw new UsageError(`--expires must be a duration (30d, 12h) or an ISO 8601 date, got "${value}"`);
  if (at <= Date.now()) throw new UsageError('--expires must be in the future');
  return new Date(at).toISOString();
}
