/**
 * The application logger: pino (JSON lines on stdout) with PII masking built in. Every argument of
 * every log call passes through `sanitize` before pino sees it, and so do child-logger bindings, so
 * no call site can forget to mask.
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { Config } from '../config.js';
import { sanitize, serializeError } from './sanitize.js';

export type AppLogger = PinoLogger;

/** Masks the arguments of one log call; an Error first argument becomes `{ err }` as pino expects. */
function sanitizeArgs(args: unknown[]): unknown[] {
  const [first, ...rest] = args;
  const tail = rest.map((a) => sanitize(a));
  if (first instanceof Error) {
    const err = serializeError(first);
    return [{ err }, ...(tail.length > 0 ? tail : [err.message])];
  }
  return [sanitize(first), ...tail];
}

/**
 * Builds the logger for a process. `destination` defaults to stdout; tests pass a memory stream to
 * assert on the exact records.
 */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): AppLogger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    timestamp: pino.stdTimeFunctions.isoTime,
    // Errors are serialized (and masked) by sanitize; pino's err serializer would rebuild them unmasked.
    serializers: { err: (value: unknown) => value },
    formatters: {
      level: (label: string) => ({ level: label }),
      bindings: (bindings: Record<string, unknown>) => sanitize(bindings) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        (method as (...a: unknown[]) => void).apply(this, sanitizeArgs(args));
      },
    },
  };
  const logger = destination ? pino(options, destination) : pino(options);
  maskChildBindings(logger);
  return logger;
}

type ChildFn = (this: PinoLogger, bindings: Record<string, unknown>, options?: unknown) => PinoLogger;

/**
 * pino applies `formatters.bindings` to the root logger only, so child bindings are masked here.
 * Children are prototype copies of their parent, so every descendant inherits this override.
 */
function maskChildBindings(logger: PinoLogger): void {
  const original = (Object.getPrototypeOf(logger) as { child: ChildFn }).child;
  const child: ChildFn = function (this: PinoLogger, bindings, options) {
    return original.call(this, sanitize(bindings) as Record<string, unknown>, options);
  };
  Object.defineProperty(logger, 'child', { value: child, writable: true, configurable: true });
}
