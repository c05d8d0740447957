import { BadDataError, type NetMessage, type OonError } from '@oon/core';
import type { Codec, FrameCodec } from '../codec/codec';
import { FRAME_LENGTH_BYTES, type FrameKind } from './constants';
import { toOonError } from '../rpc/error-report';
import { encodeFrame } from './frame-encoder';
import { FrameWriter } from './frame-writer';
import { utf8Bytes } from '../platform/bytes';
import type { SendOutcome } from '../connection/send-outcome';

/** What {@link writeMessage} writes with, and the limits it keeps. */
export interface MessageOut {
  readonly writer: FrameWriter;
  readonly codec: FrameCodec;
  readonly maxFrameBytes: number;
  /** The origin's wire: the bare JSON text, one message per write, no frame. */
  readonly origin: boolean;
  /** Whether `bytes` more may wait for the peer; if not, the peer was dropped, and this is why. */
  admit(bytes: number): OonError | undefined;
}

/**
 * Encodes a message into a frame of `kind` (behind `prefix`: a request id, a sequence
 * number) and refuses a frame over `maxFrameBytes` with `BadData`, before anything is
 * written. Throws `BadData` too when the object does not fit its schema.
 */
export function encodeMessageFrame(codec: Codec, kind: FrameKind, message: NetMessage, maxFrameBytes: number, prefix?: Uint8Array): Uint8Array {
  const frame = encodeFrame(kind, codec.encode(message), prefix);
  // What the peer's decoder measures against its limit: the frame without its length prefix.
  const size = frame.length - FRAME_LENGTH_BYTES;
  if (size > maxFrameBytes) throw overMaxFrameBytes(size, maxFrameBytes);
  return frame;
}

/**
 * Encodes a message into a frame of `kind` (behind `prefix`) straight into the writer's
 * batch and queues it: returns the promise that resolves when it is handed to the
 * operating system. Returns instead, with nothing sent, `BadData` when the object does
 * not fit its schema or the frame would exceed `maxFrameBytes`, and the `admit` error
 * for a slow consumer.
 */
export function writeMessage(out: MessageOut, kind: FrameKind, message: NetMessage, prefix?: Uint8Array): SendOutcome {
  const { writer, codec, maxFrameBytes } = out;
  if (out.origin || writer.frameOpen) return writeEncoded(out, kind, message, prefix);
  writer.beginFrame(kind, prefix);
  try {
    codec.encodeInto(message, writer.out);
  } catch (err) {
    writer.abandonFrame();
    return toOonError(err);
  }
  const size = writer.openFrameLength;
  const refused = size > maxFrameBytes ? overMaxFrameBytes(size, maxFrameBytes) : out.admit(FRAME_LENGTH_BYTES + size);
  if (refused === undefined) return writer.endFrame();
  writer.abandonFrame();
  return refused;
}

/**
 * The way of {@link writeMessage} for the origin's wire (the bare text of the message),
 * and for a message sent while another is being encoded (a getter that sends): encoded
 * on its own, then copied into the batch.
 */
function writeEncoded(out: MessageOut, kind: FrameKind, message: NetMessage, prefix?: Uint8Array): SendOutcome {
  let bytes: Uint8Array;
  try {
    bytes = out.origin ? originMessage(out.codec, message, out.maxFrameBytes) : encodeMessageFrame(out.codec, kind, message, out.maxFrameBytes, prefix);
  } catch (err) {
    return toOonError(err);
  }
  return out.admit(bytes.length) ?? out.writer.write(bytes);
}

/**
 * Writes a payload already encoded (a `SharedMessage`'s, shared by many peers) as a
 * frame of `kind`: only the header is written for this peer. Returns, with nothing sent,
 * `BadData` for a frame over `maxFrameBytes` and the `admit` error for a slow consumer.
 */
export function writePayload(out: MessageOut, kind: FrameKind, payload: Uint8Array): SendOutcome {
  const { writer, maxFrameBytes } = out;
  if (out.origin) {
    if (payload.length > maxFrameBytes) return overMaxFrameBytes(payload.length, maxFrameBytes);
    return out.admit(payload.length) ?? writer.write(payload);
  }
  const size = FrameWriter.frameLength(payload);
  if (size > maxFrameBytes) return overMaxFrameBytes(size, maxFrameBytes);
  return out.admit(FRAME_LENGTH_BYTES + size) ?? writer.writeFrame(kind, payload);
}

/** A message on the origin's wire: its bare text, within `maxFrameBytes`. */
function originMessage(codec: Codec, message: NetMessage, maxFrameBytes: number): Uint8Array {
  const encoded = codec.encode(message);
  const bytes = typeof encoded === 'string' ? utf8Bytes(encoded) : encoded;
  if (bytes.length > maxFrameBytes) throw overMaxFrameBytes(bytes.length, maxFrameBytes);
  return bytes;
}

/** The `BadData` for a message whose frame (`size` bytes, as the peer's decoder counts them) is over `maxFrameBytes`. */
export function overMaxFrameBytes(size: number, maxFrameBytes: number): BadDataError {
  return new BadDataError(
    `message of ${size} bytes is over maxFrameBytes (${maxFrameBytes}); nothing was sent. Raise maxFrameBytes on both sides or send less`,
  );
}
