import { LOCAL_OPERATOR, mintToken, resolveKeySource } from '../auth/index.js';
import { quotaPolicy } from '../quota/index.js';
import { ensureCorpus } from '../usecases/index.js';
import type { Config } from '../config/index.js';
import { openStore, startServer } from '../server.js';

export const DEMO = { customerId: '123456', corpusId: '151', name: 'demo' } as const;
const DEV_TOKEN_TTL_S = 24 * 3600;

/** `corpusgate serve`: the gateway, plus the demo corpus and a dev token on the embedded default. */
export async function serve(config: Config): Promise<void> {
  resolveKeySource(config); // a key file that cannot be used stops the start before the database is opened
  const store = await openStore(config);
  if (config.demoSeed) await ensureCorpus({ store, quota: quotaPolicy(config.quotaDefaults) }, LOCAL_OPERATOR, DEMO);
  const demoCorpusExists = (await store.getCorpus(DEMO)) !== null;
  const server = await startServer(config, store);
  // Signals are handled from the moment the server listens: a SIGTERM during the start-up
  // messages below must drain, not kill.
  const { logger } = server;
  let stopping = false;
  const stop = (signal: string) => {
    // A second signal means "now": do not wait for the grace again.
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'draining: no new connections, in-flight requests may finish');
    server.close().then(
      ({ cut }) => {
        if (cut > 0) logger.warn({ cut }, 'requests still running at the end of SHUTDOWN_GRACE_MS were cut off');
        logger.info('closed');
        process.exit(0);
      },
      (err: unknown) => {
        logger.fatal({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.stderr.write(await banner(config, server, demoCorpusExists));
}

/**
 * What a person starting the gateway reads, on stderr (stdout carries the JSON log lines): where
 * it listens, and on the embedded default a dev token as `export TOKEN=…`, a curl line that works
 * when pasted (only when the demo corpus exists) and the commands that make the API keys the
 * README's examples use (`KEY`: index, read and write; `ADMIN_KEY`; run by the reader: a key made at every start would
 * pile up).
 */
async function banner(config: Config, server: Awaited<ReturnType<typeof startServer>>, demoCorpusExists: boolean): Promise<string> {
  const lines = [`corpusgate listening on ${server.url} (${whereDataLives(config)})`];
  const cli = 'node dist/src/cli/index.js';
  if (server.keySource.kind === 'secret') {
    const token = await mintToken(server.keySource, config.jwt, { customerId: DEMO.customerId, ttlSeconds: DEV_TOKEN_TTL_S });
    if (server.keySource.devSecretFile) {
      lines.push('', `Development mode: tokens are signed with the generated secret in ${server.keySource.devSecretFile}.`);
      lines.push('Configure JWT_JWKS_URL or JWT_PUBLIC_KEY_FILE for production.');
    }
    lines.push('', `Dev token for customer ${DEMO.customerId} (valid 24 h), as the README's examples use it:`, '', `export TOKEN=${token}`, '');
    if (demoCorpusExists) {
      lines.push('Try it:', '');
      lines.push(
        `echo 'Hello from corpusgate' | curl -sS -H "Authorization: Bearer ${token}" ` +
          `-F 'file=@-;filename=hello.txt' -F doc_metadata='{"source": "demo"}' ` +
          `'${server.url}/v1/upload?c=${DEMO.customerId}&o=${DEMO.corpusId}'`,
        '',
      );
    } else {
      lines.push(`No demo corpus (DEMO_SEED=false): create one with ${cli} corpus create --customer ${DEMO.customerId} --corpus ${DEMO.corpusId} --name demo`, '');
    }
  } else {
    lines.push('', "Tokens are verified with your identity provider's keys; no dev token is printed.", '');
  }
  lines.push(
    'API keys for the examples (each command makes a new key; revoke with apikey revoke):',
    '',
    `export KEY=$(${cli} apikey create --customer ${DEMO.customerId} --role index)`,
    `export ADMIN_KEY=$(${cli} apikey create --customer ${DEMO.customerId} --role admin)`,
    '',
    `Operators: API at ${server.url}/openapi.json, web console at ${server.url}/console (sign in with $ADMIN_KEY)`,
    '',
  );
  return lines.join('\n');
}

/** Where the banner says the data is; never the database URL's user or password. */
function whereDataLives(config: Config): string {
  if (config.databaseUrl === null) return `data in ${config.dataDir}`;
  const url = new URL(config.databaseUrl);
  return `database PostgreSQL at ${url.host}${url.pathname}, files in ${config.dataDir}`;
}
