import { BadDataError, isErrorCode, OonError, type ErrorCode } from '@oon/core';
import { FrameKind } from './constants';
import { encodeFrame } from './frame-encoder';

/** What a peer says when it fails: in an Error frame, or in a failed request's Response frame. */
export interface ErrorReport {
  readonly code: ErrorCode;
  readonly message: string;
}

/** Encodes an error report as its JSON payload: `{"code": "BadData", "message": "…"}`. */
export function errorReport(code: ErrorCode, message: string): string {
  return JSON.stringify({ code, message });
}

/** Reads an error report; a garbled one still says the peer failed (`BadConn`, no reason given). */
export function readErrorReport(payload: Buffer): ErrorReport {
  let report: { code?: unknown; message?: unknown } = {};
  try {
    report = JSON.parse(payload.toString('utf8')) as typeof report;
  } catch {
    // Keep the defaults below: the peer failed, without saying how.
  }
  return {
    code: isErrorCode(report.code) ? report.code : 'BadConn',
    message: typeof report.message === 'string' ? report.message : 'no reason given',
  };
}

/** A whole Error frame: what an endpoint sends as it drops (or refuses) a peer. */
export function errorFrame(code: ErrorCode, message: string): Buffer {
  return encodeFrame(FrameKind.Error, errorReport(code, message));
}

/** Passes `OonError`s through and wraps anything else as `BadData` (codecs only throw on data). */
export function toOonError(err: unknown): OonError {
  if (err instanceof OonError) return err;
  return new BadDataError(`unexpected failure while handling data: ${String(err)}`, { cause: err });
}
