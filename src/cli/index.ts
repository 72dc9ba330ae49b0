#!/usr/bin/env node
import fs from 'node:fs';
import { ConfigError, loadConfig } from '../config/index.js';
import { GatewayError, isRetryable } from '../errors/index.js';
import { corpusCommand, quotaCommand, tokenCommand, type AdminRun } from './admin.js';
import { apikeyCommand } from './apikey.js';
import { jobsCommand } from './jobs.js';
import { migrateCommand } from './migrate.js';
import { HelpRequested, parseCommandLine, UsageError } from './args.js';
import { GatewayRequestError } from './client/http-client.js';
import { lsCommand } from './client/ls-command.js';
import { showCommand } from './client/show-command.js';
import { uploadCommand } from './client/upload-command.js';
import { serve } from './serve.js';

const USAGE = `usage: corpusgate <command>

  serve                                         start the gateway (default)
  migrate                                       bring the database schema up to date and exit
  token --customer C [--corpus O …] [--ttl 1h]  mint a dev token with the configured secret
  corpus create --customer C --corpus O --name N
  quota set --customer C [--corpus O] [--chars N|unlimited|default] [--docs N|unlimited|default]
  quota show --customer C [--corpus O]
  apikey create --customer C [--corpus O …] --role index|query|admin|extractions [--expires 30d] [--name N]
  apikey list [--customer C]
  apikey revoke KEY_ID                           the id as listed, or the key (cgk_…)
  jobs ls [--customer C] [--corpus O] [--status queued|processing|done|failed] [--limit N]
  jobs show ID | jobs retry ID                  a batch job as JSON | re-queue a failed one

Client commands, for a running gateway (local or remote) over HTTP:
  upload --corpus O [--customer C] [--concurrency N] PATH…   files and directories, resumable
  show --corpus O [--customer C] [--format json|text|binary] [--info] ID
  ls --corpus O [--customer C] [--prefix P] [--page-size N]
  (each takes --url, default $CORPUSGATE_URL or http://localhost:8080, and --help; the
  credential comes from $CORPUSGATE_API_KEY or $CORPUSGATE_TOKEN)

Every command answers --help; corpusgate --version prints the version.
Configuration comes from environment variables (and ./.env when present); see README.md
and .env.example.`;

const SERVE_USAGE = `usage: corpusgate serve
  Starts the gateway (HOST, PORT, DATA_DIR or DATABASE_URL, … from the environment; see README.md).
  Its log lines (JSON) go to stdout; the start-up banner (dev token, a curl line, export lines)
  to stderr.`;

/** This build's version, from its package.json (dist/src/cli → the package root). */
function version(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `corpusgate ${pkg.version}`;
}

/**
 * Commands that talk to a gateway over HTTP. They do not read the server's configuration (no
 * loadConfig, no DATA_DIR): they run on any machine that can reach the gateway.
 */
const CLIENT_COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  upload: uploadCommand,
  show: showCommand,
  ls: lsCommand,
};

/** Commands run on this installation's configuration (its database, its signing key). */
const ADMIN_COMMANDS: Record<string, (argv: string[]) => AdminRun> = {
  serve: (argv) => {
    parseCommandLine(argv, {}, SERVE_USAGE);
    return serve;
  },
  token: tokenCommand,
  corpus: corpusCommand,
  quota: quotaCommand,
  apikey: apikeyCommand,
  jobs: jobsCommand,
  migrate: migrateCommand,
};

async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    console.log(version());
    return;
  }
  // A .env in the working directory is read for convenience; real environment variables win.
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const clientCommand = CLIENT_COMMANDS[command];
  if (clientCommand) {
    // exitCode rather than exit(): stdout may be a pipe still draining a large document.
    process.exitCode = await clientCommand(rest);
    return;
  }
  const adminCommand = Object.hasOwn(ADMIN_COMMANDS, command) ? ADMIN_COMMANDS[command] : undefined;
  if (!adminCommand) throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  // Options (and --help) are read before the configuration: a wrong variable must not hide the usage.
  const run = adminCommand(rest);
  await run(loadConfig());
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof HelpRequested) {
    console.log(err.message);
    return;
  }
  if (err instanceof ConfigError || err instanceof UsageError) {
    console.error(`corpusgate: ${err.message}`);
    process.exit(2);
  }
  // A domain error of an admin use case run here (a corpus that does not exist, a bad value): the
  // command was used wrongly, as with a UsageError. Retryable ones (a locked database) are not.
  if (err instanceof GatewayError && !isRetryable(err)) {
    console.error(`corpusgate: ${err.message}`);
    process.exit(2);
  }
  if (err instanceof GatewayRequestError) {
    console.error(`corpusgate: the gateway answered ${err.message}`);
    process.exit(1);
  }
  console.error(`corpusgate: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
