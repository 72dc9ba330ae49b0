export { loadConfig, ConfigError } from './load-config.js';
export type { Config, JwtConfig, QuotaDefaults } from './load-config.js';
export { VARIABLES } from './schema.js';
