#!/usr/bin/env node
import fs from 'node:fs';
import { ConfigError, loadConfig } from '../config/index.js';
import { GatewayError, isRetryable } from '../errors/index.js';
import { corpusCommand, quotaCommand, tokenCommand } from './admin.js';
import { apikeyCommand } from './apikey.js';
import { jobsCommand } from './jobs.js';
import { migrateCommand } from './migrate.js';
import { UsageError } from './args.js';
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
  apikey revoke KEY_ID
  jobs ls [--customer C] [--corpus O] [--status queued|processing|done|failed] [--limit N]
  jobs show ID | jobs retry ID                  a batch job as JSON | re-queue a failed one

Client commands, for a running gateway (local or remote) over HTTP:
  upload --corpus O [--customer C] [--concurrency N] PATH…   files and directories, resumable
  show --corpus O [--customer C] [--format json|text|binary] [--info] ID
  ls --corpus O [--customer C] [--prefix P] [--page-size N]
  (each takes --url, default $CORPUSGATE_URL or http://localhost:8080, and --help; the
  credential comes from $CORPUSGATE_API_KEY or $CORPUSGATE_TOKEN)

Configuration comes from environment variables (and ./.env when present); see README.md
and .env.example.`;

/**
 * Commands that talk to a gateway over HTTP. They do not read the server's configuration (no
 * loadConfig, no DATA_DIR): they run on any machine that can reach the gateway.
 */
const CLIENT_COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  upload: uploadCommand,
  show: showCommand,
  ls: lsCommand,
};

async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
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
  const config = loadConfig();
  switch (command) {
    case 'serve':
      return serve(config);
    case 'token':
      return tokenCommand(config, rest);
    case 'corpus':
      return corpusCommand(config, rest);
    case 'quota':
      return quotaCommand(config, rest);
    case 'apikey':
      return apikeyCommand(config, rest);
    case 'jobs':
      return jobsCommand(config, rest);
    case 'migrate':
      return migrateCommand(config, rest);
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
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
