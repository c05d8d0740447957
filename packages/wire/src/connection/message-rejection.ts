import { BadDataError, createOonError, isErrorCode, type NetMessage, type OonError } from '@oon/core';
import type { FrameCodec } from '../codec/codec';
import { FrameKind } from '../framing/constants';
import { parseReport, reportOf, toOonError } from '../rpc/error-report';
import { encodeFrame } from '../framing/frame-encoder';

/**
 * What a message says of itself before its body: its id and its class's wire name, each
 * only when it could be read. Read again from a message that failed to decode, to name it.
 */
export interface MessageHead {
  readonly id?: string;
  readonly className?: string;
}

/**
 * A message this side sent that the peer could not read (a class it lacks, a value of
 * the wrong type, a class-validator constraint): the peer dropped that message, told us,
 * and the connection goes on. The `'rejected'` event of `OonClient` and `OonServer`.
 */
export interface MessageRejection {
  /** The message's id (its `uuid`, which `send(object, { uuid })` sets), as the peer read it; unset if it could not. */
  readonly id?: string;
  /** The wire name of the message's class, as the peer read it; unset if it could not. */
  readonly className?: string;
  /** Why, in the peer's words: a `BadData` `OonError`. */
  readonly error: OonError;
}

/** A message payload that could not be read: why, and what of its head could be. */
export class Unreadable {
  constructor(
    readonly error: OonError,
    readonly head: MessageHead,
  ) {}
}

/**
 * Decodes the message payload `buf[start, end)` of a whole frame. One that cannot be read
 * is returned as {@link Unreadable} rather than thrown: it fails that message only, since
 * the stream around it is still in step, and its sender is to be told which one.
 */
export function readMessage(codec: FrameCodec, buf: Uint8Array, start: number, end: number): NetMessage | Unreadable {
  // Run for every message: the rare path is out of line, so V8 inlines this where frames are read.
  try {
    return codec.decodeSpan(buf, start, end);
  } catch (err) {
    return unreadable(err, codec, buf, start, end);
  }
}

/** A message payload, `buf[start, end)`, that `codec` could not decode for `err`. */
function unreadable(err: unknown, codec: FrameCodec, buf: Uint8Array, start: number, end: number): Unreadable {
  return new Unreadable(toOonError(err), codec.peekHead(buf, start, end));
}

/** The longest id or class name a Rejected frame repeats: a peer's id may be as long as its frame. */
const MAX_NAME_CHARS = 200;
/** The longest reason a Rejected frame carries, so it stays far below any sane `maxFrameBytes`. */
const MAX_REASON_CHARS = 2_000;

/** `text` cut to `max` characters, saying so. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** A head with each part cut to {@link MAX_NAME_CHARS}. */
export function clipHead(id: unknown, className: unknown): MessageHead {
  return {
    ...(typeof id === 'string' ? { id: clip(id, MAX_NAME_CHARS) } : {}),
    ...(typeof className === 'string' ? { className: clip(className, MAX_NAME_CHARS) } : {}),
  };
}

/** "the Order message 0123456789", "the request 0123456789", "a message": `what` named by as much of its head as is known. */
export function describeHead(head: MessageHead, what: 'message' | 'request' | 'reply'): string {
  const { id, className } = head;
  if (id === undefined && className === undefined) return `a ${what}`;
  return ['the', className, what, id === undefined ? undefined : `\`${id}\``].filter((part) => part !== undefined).join(' ');
}

/**
 * The Rejected frame telling the peer that its message (`head`) could not be read and was
 * dropped: `{"id": "…", "class": "Order", "code": "BadData", "message": "…"}`.
 */
export function rejectedFrame(head: MessageHead, error: OonError): Uint8Array {
  const report = { id: head.id, class: head.className, code: error.code, message: clip(error.message, MAX_REASON_CHARS) };
  return encodeFrame(FrameKind.Rejected, JSON.stringify(report));
}

/**
 * Reads a Rejected frame from `peer`: which of our messages it dropped, and why. A garbled
 * one still says a message was rejected (the reason is then unknown): the frame was whole,
 * so the stream is fine.
 */
export function readRejection(payload: Uint8Array, peer: string): MessageRejection {
  const fields = parseReport(payload);
  const head = clipHead(fields['id'], fields['class']);
  const report = reportOf(fields);
  // A rejection is a message that could not be read: BadData unless the peer says otherwise, clearly.
  const code = isErrorCode(fields['code']) ? report.code : 'BadData';
  const error = createOonError(code, `${peer} could not read ${describeHead(head, 'message')} and dropped it: ${report.message}`);
  return { ...head, error };
}

/**
 * The `'error'` this side emits for a message from `peer` it could not read (`cause`) and
 * dropped, the connection going on; `told` says whether the peer was told (not on the
 * origin's wire, which has no frame for it).
 */
export function droppedMessage(head: MessageHead, what: 'message' | 'request', peer: string, cause: OonError, told: boolean): BadDataError {
  const after = what === 'request' ? 'the request was answered with this error' : told ? 'the sender was told' : 'the origin\'s wire cannot tell the sender';
  return new BadDataError(`dropped ${describeHead(head, what)} from ${peer}: ${cause.message}; ${after}, and the connection goes on`, { cause });
}
