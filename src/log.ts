import { pino, type Logger } from 'pino';

/**
 * Structured logs: event kinds and ids only. Message text, names and free text never go to the log
 * (privacy rule), so callers pass ids and codes, not content.
 */
export type Log = Logger;

export function createLogger(level: string, destination?: NodeJS.WritableStream): Log {
  return pino({ level, base: undefined, redact: ['text', 'token', 'authorization'] }, destination as never);
}

/** A logger that discards everything; for tests. */
export function silentLogger(): Log {
  return pino({ level: 'silent' });
}
