export { loadConfig, ConfigError, LOG_LEVELS } from './load-config.js';
export type { Config, ExtractConfig, HttpLimits, JobsConfig, JwtConfig, LogLevel, QuotaDefaults, RateLimitConfig } from './load-config.js';
export { VARIABLES } from './schema.js';
