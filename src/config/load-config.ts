import { Rejected, splitList } from './parsers.js';
import type { Config } from './types.js';
import { CONFIG_VARIABLES, type Variable } from './variables.js';

export { LOG_LEVELS } from './types.js';
export type { Config, ExtractConfig, HttpLimits, JobsConfig, JwtConfig, LogLevel, QuotaDefaults, RateLimitConfig } from './types.js';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** The setting as given (trimmed), or the documented default when unset or blank. */
function setting(v: Variable, env: NodeJS.ProcessEnv): string | undefined {
  const raw = env[v.name]?.trim();
  return raw === undefined || raw === '' ? v.default : raw;
}

/** The variable's value; throws Rejected when the setting is not accepted. */
function valueOf(v: Variable, env: NodeJS.ProcessEnv): unknown {
  const raw = setting(v, env);
  if (raw !== undefined) return v.parser.parse(raw, v.name);
  const unset = v.unset ?? v.parser.unset;
  if (unset === undefined) throw new Error(`config table: ${v.name} has neither a default nor an unset value`);
  return unset();
}

/** Sets `section.field` or `field` in the (not yet frozen) configuration being built. */
function put(target: Record<string, unknown>, to: string, value: unknown): void {
  const [head, field] = to.split('.') as [string, string | undefined];
  if (field === undefined) {
    target[head] = value;
    return;
  }
  const section = (target[head] ??= {}) as Record<string, unknown>;
  section[field] = value;
}

/**
 * Rules that involve more than one variable, checked after the loop. They look at the settings
 * as given (a rejected value still counts as set), so they report even beside other mistakes.
 */
function crossChecks(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const given = (name: string): boolean => (env[name]?.trim() ?? '') !== '';
  // One key source: with two, which one verifies a token would be an accident of the code.
  const sources = ['JWT_JWKS_URL', 'JWT_PUBLIC_KEY_FILE', 'JWT_SECRET'].filter(given);
  if (sources.length > 1) problems.push('set only one of JWT_JWKS_URL, JWT_PUBLIC_KEY_FILE and JWT_SECRET');

  // An HMAC algorithm next to a public key is the classic alg-confusion hole; a secret cannot
  // verify an asymmetric signature. So the list must match the key source.
  if (given('JWT_ALGORITHMS')) {
    const algorithms = splitList(env.JWT_ALGORITHMS ?? '');
    const symmetric = algorithms.filter((a) => a.startsWith('HS'));
    if (symmetric.length > 0 && (given('JWT_JWKS_URL') || given('JWT_PUBLIC_KEY_FILE'))) {
      problems.push('JWT_ALGORITHMS: HS* algorithms are only allowed with JWT_SECRET');
    }
    if (given('JWT_SECRET') && symmetric.length !== algorithms.length) {
      problems.push('JWT_ALGORITHMS: with JWT_SECRET only HS256, HS384 or HS512 can be used');
    }
  }
  // No JWT key source at all is fine: `serve` and `token` then generate the dev secret in DATA_DIR.
  return problems;
}

function freezeDeep<T extends object>(value: T): Readonly<T> {
  for (const field of Object.values(value)) if (typeof field === 'object' && field !== null) freezeDeep(field);
  return Object.freeze(value);
}

/**
 * Reads and validates the environment once: every variable of the table (variables.ts), then the
 * rules across variables. Every problem is collected so that one start shows all of them in one
 * ConfigError; the result is frozen.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const built: Record<string, unknown> = {};
  for (const v of CONFIG_VARIABLES as readonly Variable[]) {
    try {
      put(built, v.to, valueOf(v, env));
    } catch (err) {
      if (!(err instanceof Rejected)) throw err;
      problems.push(...err.problems);
    }
  }
  problems.push(...crossChecks(env));
  if (problems.length > 0) throw new ConfigError(problems);
  // Every Config field is some variable's target (checked at compile time in variables.ts).
  return freezeDeep(built as unknown as Config);
}
