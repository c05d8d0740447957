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
  const size = frameLength(frame);
  if (size > maxFrameBytes) {
    throw new BadDataError(
      `message of ${size} bytes is over maxFrameBytes (${maxFrameBytes}); nothing was sent. Raise maxFrameBytes on both sides or send less`,
    );
  }
  return frame;
}
