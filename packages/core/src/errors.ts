import { ResultCode, type ErrorCode } from './result-code';

/**
 * The one error type OON throws, rejects with and emits.
 *
 * `code` is stable and says what happened (the origin's result codes); the message says
 * what to fix and may change between versions; `cause` holds the underlying error.
 *
 * @example
 * ```ts
 * try { await client.connect(); }
 * catch (err) { if (err instanceof OonError && err.code === 'BadConn') retryLater(); }
 * ```
 */
export class OonError extends Error {
  /** What happened, as one of the origin's result codes. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  /** The numeric form of {@link OonError.code}, as the origin's `ExCode` numbers it. */
  get resultCode(): ResultCode {
    return ResultCode[this.code];
  }
}

/** Starting failed: a listen or bind error, or a registry misuse found at start-up. */
export class StartFailError extends OonError {
  constructor(message: string, options?: ErrorOptions) {
    super('StartFail', message, options);
  }
}

/** Stopping failed: closing a server or a connection did not complete cleanly. */
export class StopFailError extends OonError {
  constructor(message: string, options?: ErrorOptions) {
    super('StopFail', message, options);
  }
}

/** Data that cannot be sent or was received malformed: bad frame, unknown class, wrong field type, over a limit. */
export class BadDataError extends OonError {
  constructor(message: string, options?: ErrorOptions) {
    super('BadData', message, options);
  }
}

/** The connection failed: refused, reset, closed by the peer, or not connected. */
export class BadConnError extends OonError {
  constructor(message: string, options?: ErrorOptions) {
    super('BadConn', message, options);
  }
}

/** A deadline passed: connect, handshake, request or idle timeout. */
export class TimeoutError extends OonError {
  constructor(message: string, options?: ErrorOptions) {
    super('Timeout', message, options);
  }
}

/** Builds the subclass of {@link OonError} that matches a code (for errors reported by a peer). */
export function createOonError(code: ErrorCode, message: string, options?: ErrorOptions): OonError {
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
