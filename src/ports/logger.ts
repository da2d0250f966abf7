/**
 * The logging port: what core, http and jobs may call. The pino logger from src/logging satisfies it
 * structurally, so nothing outside the composition root depends on pino.
 */
export interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

export interface Logger {
  fatal: LogFn;
  error: LogFn;
  warn: LogFn;
  info: LogFn;
  debug: LogFn;
  trace: LogFn;
  /** A logger whose records all carry `bindings` (e.g. a request or job id). */
  child(bindings: Record<string, unknown>): Logger;
}
