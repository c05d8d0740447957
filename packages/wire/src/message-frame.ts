import { BadDataError, type NetMessage } from '@oon/core';
import type { Codec } from './codec';
import type { FrameKind } from './constants';
import { encodeFrame, frameLength } from './frame-encoder';

/**
 * Encodes a message into a frame of `kind` (behind `prefix`: a request id, a sequence
 * number) and refuses a frame over `maxFrameBytes` with `BadData`, before anything is
 * written. Throws `BadData` too when the object does not fit its schema.
 */
export function encodeMessageFrame(codec: Codec, kind: FrameKind, message: NetMessage, maxFrameBytes: number, prefix?: Uint8Array): Buffer {
  const frame = encodeFrame(kind, codec.encode(message), prefix);
  checkSize(frameLength(frame), maxFrameBytes);
  return frame;
}

/** The origin's wire (oon 0.0.5): a message is its bare JSON text, held to `maxFrameBytes` the same way. */
export function encodeOriginMessage(codec: Codec, message: NetMessage, maxFrameBytes: number): Buffer {
  const bytes = Buffer.from(codec.encode(message));
  checkSize(bytes.length, maxFrameBytes);
  return bytes;
}

function checkSize(size: number, maxFrameBytes: number): void {
  if (size > maxFrameBytes) {
    throw new BadDataError(
      `message of ${size} bytes is over maxFrameBytes (${maxFrameBytes}); nothing was sent. Raise maxFrameBytes on both sides or send less`,
    );
  }
}
