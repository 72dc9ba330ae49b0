import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/index.js';

export type { Logger };

/**
 * JSON lines, one per request (see request-log.ts). `destination` defaults to stdout, written
 * synchronously so that the lines of a drained shutdown are out before process.exit.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      // Nothing logs headers today; this keeps a credential out should someone log one tomorrow.
      redact: {
        paths: ['authorization', 'headers.authorization', 'headers["x-api-key"]', 'token', 'apiKey'],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ fd: 1, sync: true }),
  );
}

/** The default of buildApp: tests that do not look at logs get none. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
