import { parseArgs } from 'node:util';
import { GatewayError } from '../errors/index.js';
import { parseCorpusId, parseCustomerId, type CorpusId, type CustomerId } from '../ids/index.js';

export class UsageError extends Error {}

/** `--help` or `-h` was given: main prints the message (the command's usage) on stdout and exits 0. */
export class HelpRequested extends Error {}

/** Throws HelpRequested with `usage` when argv asks for help (before anything else is checked). */
export function helpFor(argv: readonly string[], usage: string): void {
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested(usage);
}

/**
 * A command with subcommands: the one `sub` names, or help (`--help`, `-h`, `help`: exit 0) or a
 * usage error (missing or unknown: exit 2), each showing `usage`.
 */
export function pickSubcommand<T>(sub: string | undefined, commands: Record<string, T>, usage: string): T {
  if (sub === '--help' || sub === '-h' || sub === 'help') throw new HelpRequested(usage);
  const command = sub === undefined ? undefined : Object.hasOwn(commands, sub) ? commands[sub] : undefined;
  if (command === undefined) throw new UsageError(sub === undefined ? usage : `unknown subcommand "${sub}"\n\n${usage}`);
  return command;
}

type Options = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

/**
 * The CLI's one argument parser: node:util's parseArgs, strict, with a usage error (exit 2) for
 * anything it refuses; `usage` is appended to that message, and printed for --help / -h (exit 0).
 * Admin commands take no positionals.
 */
export function parseCommandLine<T extends Options>(argv: string[], options: T, usage: string, allowPositionals = false) {
  helpFor(argv, usage);
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(usage ? `${(err as Error).message}\n\n${usage}` : (err as Error).message);
  }
}

/** --customer, parsed by the one ids module; a bad value is a usage error (exit 2). */
export function customerIdOption(value: string | undefined): CustomerId {
  return asUsageError(() => parseCustomerId(value, '--customer'));
}

export function corpusIdOption(value: string | undefined): CorpusId {
  return asUsageError(() => parseCorpusId(value, '--corpus'));
}

function asUsageError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw err instanceof GatewayError ? new UsageError(err.message) : err;
  }
}
