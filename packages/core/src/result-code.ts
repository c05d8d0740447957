/**
 * The origin's result codes (`oon.ExCode` in Python oon 0.0.5), with the same numbers,
 * so a status frame or a log line can carry them as small integers.
 */
export const ResultCode = {
  /** The call succeeded (never thrown; the origin returns it). */
  Success: 0,
  /** Starting failed: binding, listening or dialing. */
  StartFail: 1,
  /** Stopping failed: closing or draining. */
  StopFail: 2,
  /** What arrived (or was to be sent) cannot be encoded or revived. */
  BadData: 3,
  /** The connection was refused, reset or closed. */
  BadConn: 4,
  /** A handshake, request or idle deadline passed. */
  Timeout: 5,
} as const;

/** One of the numeric result codes. */
export type ResultCode = (typeof ResultCode)[keyof typeof ResultCode];

/** The name of a failure code: every result code but `Success`, which is never thrown. */
export type ErrorCode = Exclude<keyof typeof ResultCode, 'Success'>;

/** Every {@link ErrorCode}, in numeric order. */
export const ERROR_CODES: readonly ErrorCode[] = ['StartFail', 'StopFail', 'BadData', 'BadConn', 'Timeout'];

/** Tells whether a string is one of the {@link ErrorCode}s (for codes that arrive from a peer). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
