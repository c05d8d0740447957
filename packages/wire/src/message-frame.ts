import { BadDataError, type NetMessage } from '@oon/core';
import type { Codec } from './codec';
import { FRAME_LENGTH_BYTES, type FrameKind } from './constants';
import { encodeFrame } from './frame-encoder';

/**
 * Encodes a message into a frame of `kind` (behind `prefix`: a request id, a sequence
 * number) and refuses a frame over `maxFrameBytes` with `BadData`, before anything is
 * written. Throws `BadData` too when the object does not fit its schema.
 */
export function encodeMessageFrame(codec: Codec, kind: FrameKind, message: NetMessage, maxFrameBytes: number, prefix?: Uint8Array): Buffer {
  const frame = encodeFrame(kind, codec.encode(message), prefix);
  // What the peer's decoder measures against its limit: the frame without its length prefix.
  const size = frame.length - FRAME_LENGTH_BYTES;
  if (size > maxFrameBytes) throw overMaxFrameBytes(size, maxFrameBytes);
  return frame;
}

/** The `BadData` for a message whose frame (`size` bytes, as the peer's decoder counts them) is over `maxFrameBytes`. */
export function overMaxFrameBytes(size: number, maxFrameBytes: number): BadDataError {
  return new BadDataError(
    `message of ${size} bytes is over maxFrameBytes (${maxFrameBytes}); nothing was sent. Raise maxFrameBytes on both sides or send less`,
  );
}
