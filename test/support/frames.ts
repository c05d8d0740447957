/**
 * Frame-splitting helpers shared by the frame decoder's tests and the codecs' tests: a
 * frame must decode the same however the stream cuts it.
 */
import { FrameDecoder, type FrameDecoderOptions } from '@oon/wire';

/** A frame as a test sees it: its kind and its payload. */
export interface DecodedFrame {
  kind: number;
  payload: Buffer;
}

/** Feeds chunks to a fresh decoder, returning every frame it handed out (payloads copied). */
export function decodeFrames(chunks: readonly Uint8Array[], options?: FrameDecoderOptions): DecodedFrame[] {
  const decoder = new FrameDecoder(options);
  const seen: DecodedFrame[] = [];
  for (const chunk of chunks) decoder.push(chunk, (kind, payload) => seen.push({ kind, payload: Buffer.from(payload) }));
  return seen;
}

/** Every way to cut `stream` in two (at each byte, both ends included), as chunk lists. */
export function* splitsInTwo(stream: Uint8Array): Iterable<[cut: number, chunks: Uint8Array[]]> {
  for (let cut = 0; cut <= stream.length; cut++) yield [cut, [stream.subarray(0, cut), stream.subarray(cut)]];
}

/** `stream` as one-byte chunks. */
export function oneByteChunks(stream: Uint8Array): Uint8Array[] {
  const bytes: Uint8Array[] = [];
  for (let i = 0; i < stream.length; i++) bytes.push(stream.subarray(i, i + 1));
  return bytes;
}
