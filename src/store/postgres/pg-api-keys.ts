import type { ApiKeyRecord, ApiKeyStore } from '../document-store.js';
import type { PgConnection } from './pg-connection.js';
import { toApiKey, type PgApiKeyRow } from './pg-rows.js';

const API_KEY_COLUMNS = 'key_id, customer_id, corpus_ids, role, secret_sha256, name, created_at, expires_at, revoked_at';

/** API keys of the PostgreSQL store: one statement each. */
export class PgApiKeys implements ApiKeyStore {
  constructor(private readonly connection: PgConnection) {}

  async createApiKey(key: ApiKeyRecord): Promise<void> {
    await this.connection.query(
      `INSERT INTO api_keys (${API_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [key.keyId, key.customerId, key.corpusIds, key.role, key.secretSha256, key.name, key.createdAt, key.expiresAt, key.revokedAt],
    );
  }

  async getApiKey(keyId: string): Promise<ApiKeyRecord | null> {
    const { rows } = await this.connection.query<PgApiKeyRow>(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE key_id = $1`, [keyId]);
    return rows[0] ? toApiKey(rows[0]) : null;
  }

  async listApiKeys(customerId?: string): Promise<ApiKeyRecord[]> {
    const { rows } = customerId === undefined
      ? await this.connection.query<PgApiKeyRow>(`SELECT ${API_KEY_COLUMNS} FROM api_keys ORDER BY created_at DESC, key_id`)
      : await this.connection.query<PgApiKeyRow>(
        `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE customer_id = $1 ORDER BY created_at DESC, key_id`,
        [customerId],
      );
    return rows.map(toApiKey);
  }

  async revokeApiKey(keyId: string, at: string): Promise<boolean> {
    const result = await this.connection.query('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE key_id = $2', [at, keyId]);
    return result.rowCount === 1;
  }
}
