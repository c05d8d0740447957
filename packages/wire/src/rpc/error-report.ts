import { BadDataError, isErrorCode, OonError, type ErrorCode, type JsonValue } from '@oon/core';
import { FrameKind } from '../framing/constants';
import { encodeFrame } from '../framing/frame-encoder';
import { utf8Text } from '../platform/bytes';

/** What a request handler's failure adds for its caller: the application's code and data (docs/errors.md). */
export interface AppFailure {
  readonly appCode?: string;
  readonly details?: JsonValue;
}

/** The `appCode` and `details` an error carries, for its report. */
export function appFailureOf(error: OonError): AppFailure {
  const { appCode, details } = error;
  return { ...(appCode === undefined ? {} : { appCode }), ...(details === undefined ? {} : { details }) };
}

/**
 * What a peer says when it fails: in an Error frame, in a failed request's Response
 * frame, or in a Rejected frame; a handler's failure may add its `appCode` and `details`.
 */
export interface ErrorReport extends AppFailure {
  readonly code: ErrorCode;
  readonly message: string;
}

/**
 * Encodes an error report as its JSON payload: `{"code": "BadData", "message": "…"}`,
 * with `appCode` and `details` when a handler gave them. Details that JSON cannot hold
 * (a cycle, a bigint) are left out, and the message says so: the caller still learns
 * that the request failed, and why.
 */
export function errorReport(code: ErrorCode, message: string, app: AppFailure = {}): string {
  const { appCode, details } = app;
  if (appCode === undefined && details === undefined) return JSON.stringify({ code, message });
  try {
    return JSON.stringify({ code, message, appCode, details });
  } catch (err) {
    const why = `${message} (its details were left out: ${err instanceof Error ? err.message : String(err)})`;
    return JSON.stringify({ code, message: why, appCode });
  }
}

/** A report's JSON object, or an empty one when it is garbled (the peer failed without saying how). */
export function parseReport(payload: Uint8Array): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(utf8Text(payload));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // The defaults of reportOf: the peer failed, without saying how.
  }
  return {};
}

/** Reads an error report; a garbled one still says the peer failed (`BadConn`, no reason given). */
export function readErrorReport(payload: Uint8Array): ErrorReport {
  return reportOf(parseReport(payload));
}

/** The error report in a parsed report object, keeping only fields of the right types. */
export function reportOf(report: Record<string, unknown>): ErrorReport {
  const { code, message, appCode, details } = report;
  return {
    code: isErrorCode(code) ? code : 'BadConn',
    message: typeof message === 'string' ? message : 'no reason given',
    ...(typeof appCode === 'string' ? { appCode } : {}),
    // Parsed from JSON, so it is JSON data.
    ...(details !== undefined ? { details: details as JsonValue } : {}),
  };
}

/** A whole Error frame: what an endpoint sends as it drops (or refuses) a peer. */
export function errorFrame(code: ErrorCode, message: string): Uint8Array {
  return encodeFrame(FrameKind.Error, errorReport(code, message));
}

/** Passes `OonError`s through and wraps anything else as `BadData` (codecs only throw on data). */
export function toOonError(err: unknown): OonError {
  if (err instanceof OonError) return err;
  return new BadDataError(`unexpected failure while handling data: ${String(err)}`, { cause: err });
}
