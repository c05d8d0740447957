import { BadDataError, OonError, type JsonValue } from '@oon/core';

/**
 * The `OonError` a request fails with when its Nest handler fails. Nest's exception
 * filter has already turned what the handler threw into an error object:
 * `RpcException('…')` into `{ status: 'error', message }`, `RpcException(object)` into
 * that object, anything else into `{ status: 'error', message: 'Internal server error' }`
 * (and logged it). The caller gets `BadData` with the message, the object's `code` (else
 * its `status`) as `appCode`, and the object as `details`; an `OonError` given to
 * `RpcException` goes as it is, with its own code.
 */
export function handlerFailure(error: unknown): OonError {
  if (error instanceof OonError) return error;
  if (typeof error !== 'object' || error === null) return new BadDataError(String(error), { appCode: 'error' });
  const fields = error as Record<string, unknown>;
  const appCode = typeof fields['code'] === 'string' ? fields['code'] : typeof fields['status'] === 'string' ? fields['status'] : 'error';
  const details = error instanceof Error ? undefined : toJson(error);
  return new BadDataError(messageOf(fields['message'], error), { appCode, ...(details === undefined ? {} : { details }) });
}

/** A message that may be a list (class-validator's, through a ValidationPipe) as one line. */
function messageOf(message: unknown, error: object): string {
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return error instanceof Error ? error.message : 'the handler failed without a message';
}

/** The object as JSON data, or `undefined` when it is not plain data (a cycle, a class). */
function toJson(value: object): JsonValue | undefined {
  try {
    return JSON.parse(JSON.stringify(value)) as JsonValue;
  } catch {
    return undefined;
  }
}
