import type { OonError } from '@oon/core';
import type { DisconnectReason } from './connection/connection-options';

/**
 * Where an endpoint logs what it does on its own (drops, evictions, refusals, reconnects):
 * any object with these four methods, such as a pino logger or `console`. Nest's `Logger`
 * names its info level `log`: pass `{ debug: (m) => nest.debug(m), info: (m) => nest.log(m),
 * warn: (m) => nest.warn(m), error: (m) => nest.error(m) }`. Each call gets one line of
 * text that says it all, then an object of fields (`event`, and `code`, `peer`,
 * `reason` where they apply) for loggers that keep structure.
 */
export interface Logger {
  /** Connections opening and closing. */
  debug(message: string, ...meta: unknown[]): void;
  /** Links lost, reconnecting, resumed; peers away. */
  info(message: string, ...meta: unknown[]): void;
  /** What a peer did wrong or was refused for: refusals, evictions, bad data, sessions lost. */
  warn(message: string, ...meta: unknown[]): void;
  /** Failures of this process: a listening socket that broke, a close that failed. */
  error(message: string, ...meta: unknown[]): void;
}

/** A level of {@link Logger}. */
type LogLevel = keyof Logger;

/** Fields logged beside the message. */
type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** Throws a `TypeError` unless `logger` is unset or has the four methods. */
export function checkLogger(logger: unknown): void {
  if (logger === undefined) return;
  const methods = ['debug', 'info', 'warn', 'error'] as const;
  const missing = methods.filter((m) => typeof (logger as Partial<Record<LogLevel, unknown>> | null)?.[m] !== 'function');
  if (missing.length > 0) throw new TypeError(`logger must have debug, info, warn and error methods; it lacks ${missing.join(', ')}`);
}

/**
 * Logs one line when a logger was given; nothing at all otherwise. A logger that throws
 * is the application's fault and must not break the connection that was logging.
 */
export function log(logger: Logger | undefined, level: LogLevel, message: string, fields: LogFields): void {
  if (logger === undefined) return;
  try {
    logger[level](message, fields);
  } catch {
    // Nothing to report it to: the logger is the reporting channel.
  }
}

/**
 * Logs an endpoint's `'error'` event: a failure of this process at `error`, anything a
 * peer caused at `warn`. The line names the peer (`who`, e.g. `client 10.0.0.7:51234`)
 * when the error's own message does not, so a log reader can tell who it was.
 */
export function logFault(logger: Logger | undefined, error: OonError, peer?: { who: string; address: string }): void {
  const level = error.code === 'StartFail' || error.code === 'StopFail' ? 'error' : 'warn';
  const message = peer === undefined || error.message.includes(peer.address) ? error.message : `${peer.who}: ${error.message}`;
  log(logger, level, message, { event: 'error', code: error.code, peer: peer?.address });
}

/**
 * Logs a link that closed: at `debug` when this side closed it, else at `info` (a fault
 * that caused it was already logged at `warn` as the `'error'` it raised).
 */
export function logLinkClosed(logger: Logger | undefined, peer: string, reason: DisconnectReason, then: string, error?: OonError): void {
  const why = error === undefined ? reason : `${reason}: ${error.message}`;
  log(logger, reason === 'local close' ? 'debug' : 'info', `link to ${peer} closed (${why}); ${then}`, { event: 'disconnect', peer, reason, code: error?.code });
}
