#!/usr/bin/env node
import fs from 'node:fs';
import { ConfigError, loadConfig } from '../config/index.js';
import { corpusCommand, quotaCommand, tokenCommand } from './admin.js';
import { apikeyCommand } from './apikey.js';
import { UsageError } from './args.js';
import { serve } from './serve.js';

const USAGE = `usage: corpusgate <command>

  serve                                         start the gateway (default)
  token --customer C [--corpus O …] [--ttl 1h]  mint a dev token with the configured secret
  corpus create --customer C --corpus O --name N
  quota set --customer C [--corpus O] [--chars N|unlimited|default] [--docs N|unlimited|default]
  quota show --customer C [--corpus O]
  apikey create --customer C [--corpus O …] --role index|query|admin [--expires 30d] [--name N]
  apikey list [--customer C]
  apikey revoke KEY_ID

Configuration comes from environment variables (and ./.env when present); see README.md
and .env.example.`;

async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  // A .env in the working directory is read for convenience; real environment variables win.
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
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
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof UsageError) {
    console.error(`corpusgate: ${err.message}`);
    process.exit(2);
  }
  console.error(`corpusgate: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
