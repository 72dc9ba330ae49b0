export { loadConfig, ConfigError } from './load-config.js';
export type { Config, ExtractConfig, JwtConfig, QuotaDefaults } from './load-config.js';
export { VARIABLES } from './schema.js';
