import { FRAME_HEADER_BYTES, type FrameKind } from './constants';
import { allocBytes, utf8Length, utf8Write, writeU32BE } from '../platform/bytes';

/**
 * Encodes one frame: `[u32 BE length][u8 kind][payload]`.
 *
 * The header and payload go into one buffer: OON messages are mostly small, and one
 * write of one buffer is cheaper than corking two. A string payload is written as UTF-8
 * straight into the frame, without an intermediate buffer. `prefix` goes between the kind
 * and the payload (a request's correlation id).
 */
export function encodeFrame(kind: FrameKind, payload: string | Uint8Array = '', prefix?: Uint8Array): Uint8Array {
  const size = typeof payload === 'string' ? utf8Length(payload) : payload.length;
  const before = FRAME_HEADER_BYTES + (prefix?.length ?? 0);
  const frame = allocBytes(before + size);
  writeU32BE(frame, 0, before + size - FRAME_HEADER_BYTES + 1);
  frame[4] = kind;
  if (prefix !== undefined) frame.set(prefix, FRAME_HEADER_BYTES);
  if (typeof payload === 'string') utf8Write(frame, payload, before);
  else frame.set(payload, before);
  return frame;
}
