import { FRAME_HEADER_BYTES, type FrameKind } from './constants';

/**
 * Encodes one frame: `[u32 BE length][u8 kind][payload]`.
 *
 * The header and payload go into one buffer: OON messages are mostly small, and one
 * write of one buffer is cheaper than corking two. A string payload is written as UTF-8
 * straight into the frame, without an intermediate buffer. `prefix` goes between the kind
 * and the payload (a request's correlation id).
 */
export function encodeFrame(kind: FrameKind, payload: string | Uint8Array = '', prefix?: Uint8Array): Buffer {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const before = FRAME_HEADER_BYTES + (prefix?.length ?? 0);
  const frame = Buffer.allocUnsafe(before + size);
  frame.writeUInt32BE(before + size - FRAME_HEADER_BYTES + 1, 0);
  frame.writeUInt8(kind, 4);
  if (prefix !== undefined) frame.set(prefix, FRAME_HEADER_BYTES);
  if (typeof payload === 'string') frame.write(payload, before, 'utf8');
  else frame.set(payload, before);
  return frame;
}
