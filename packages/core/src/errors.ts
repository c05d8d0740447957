import { ResultCode, type ErrorCode } from './result-code';

/** A JSON value: what an error's `details` may hold, so it reaches the peer as it was. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * Options of {@link OonError}: the standard `cause`, and what an application adds to a
 * request handler's failure for its caller (docs/errors.md, "Application errors").
 */
export interface OonErrorOptions extends ErrorOptions {
  /**
   * The application's own name for the failure (`'OUT_OF_STOCK'`): thrown by a request
   * handler, it reaches the caller's rejected `OonError` as it was.
   */
  appCode?: string;
  /** JSON-safe data about the failure (`{ sku: 'A1', left: 3 }`), carried with `appCode`. */
  details?: JsonValue;
}

/**
 * The one error type OON throws, rejects with and emits.
 *
 * `code` is stable and says what happened (the origin's result codes); the message says
 * what to fix and may change between versions; `cause` holds the underlying error. A
 * request handler's failure may add the application's own `appCode` and `details`,
 * which reach the caller intact.
 *
 * @example
 * ```ts fragment
 * try { await client.connect(); }
 * catch (err) { if (err instanceof OonError && err.code === 'BadConn') retryLater(); }
 *
 * server.handle(Order, (order) => {
 *   throw new BadDataError('only 3 left of A1', { appCode: 'OUT_OF_STOCK', details: { sku: 'A1', left: 3 } });
 * });
 * // the caller: (await client.request(order).catch((e) => e)).appCode === 'OUT_OF_STOCK'
 * ```
 */
export class OonError extends Error {
  /** What happened, as one of the origin's result codes. */
  readonly code: ErrorCode;
  /** The application's own name for a request handler's failure, as the handler gave it; unset otherwise. */
  readonly appCode?: string;
  /** JSON-safe data a request handler gave with its failure; unset otherwise. */
  readonly details?: JsonValue;

  constructor(code: ErrorCode, message: string, options?: OonErrorOptions) {
    super(message, options);
    this.name = ERROR_NAMES.get(new.target) ?? new.target.name;
    this.code = code;
    if (options?.appCode !== undefined) this.appCode = options.appCode;
    if (options?.details !== undefined) this.details = options.details;
  }

  /** The numeric form of {@link OonError.code}, as the origin's `ExCode` numbers it. */
  get resultCode(): ResultCode {
    return ResultCode[this.code];
  }
}

/** Starting failed: a listen or bind error, or a registry misuse found at start-up. */
export class StartFailError extends OonError {
  constructor(message: string, options?: OonErrorOptions) {
    super('StartFail', message, options);
  }
}

/** Stopping failed: closing a server or a connection did not complete cleanly. */
export class StopFailError extends OonError {
  constructor(message: string, options?: OonErrorOptions) {
    super('StopFail', message, options);
  }
}

/** Data that cannot be sent or was received malformed: bad frame, unknown class, wrong field type, over a limit. */
export class BadDataError extends OonError {
  constructor(message: string, options?: OonErrorOptions) {
    super('BadData', message, options);
  }
}

/** The connection failed: refused, reset, closed by the peer, or not connected. */
export class BadConnError extends OonError {
  constructor(message: string, options?: OonErrorOptions) {
    super('BadConn', message, options);
  }
}

/** A deadline passed: connect, handshake, request or idle timeout. */
export class TimeoutError extends OonError {
  constructor(message: string, options?: OonErrorOptions) {
    super('Timeout', message, options);
  }
}

/**
 * OON's own errors by name, written out: a bundler renames classes (`TimeoutError2` to
 * dodge a clash, `t` when minified), and `err.name` must still read `TimeoutError` in a
 * page. An application's own subclass is named by its class.
 */
const ERROR_NAMES: ReadonlyMap<Function, string> = new Map<Function, string>([
  [OonError, 'OonError'],
  [StartFailError, 'StartFailError'],
  [StopFailError, 'StopFailError'],
  [BadDataError, 'BadDataError'],
  [BadConnError, 'BadConnError'],
  [TimeoutError, 'TimeoutError'],
]);

/** Builds the subclass of {@link OonError} that matches a code (for errors reported by a peer). */
export function createOonError(code: ErrorCode, message: string, options?: OonErrorOptions): OonError {
  switch (code) {
    case 'StartFail':
      return new StartFailError(message, options);
    case 'StopFail':
      return new StopFailError(message, options);
    case 'BadData':
      return new BadDataError(message, options);
    case 'BadConn':
      return new BadConnError(message, options);
    case 'Timeout':
      return new TimeoutError(message, options);
  }
}
