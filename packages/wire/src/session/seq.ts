import { BadDataError } from '@oon/core';
import { allocBytes, readU32BE } from '../platform/bytes';

/** Bytes of the sequence number in front of a session's message payload (u64 BE). */
export const SEQ_BYTES = 8;

/** A seq as 8 bytes, u64 BE (seqs stay below 2^53, so a number holds them). */
export function seqBytes(seq: number): Uint8Array {
  const bytes = allocBytes(SEQ_BYTES);
  writeSeq(bytes, 0, seq);
  return bytes;
}

/** Writes `seq` as a u64 BE at `offset`. */
export function writeSeq(buffer: Uint8Array, offset: number, seq: number): void {
  setSeq(new DataView(buffer.buffer, buffer.byteOffset, buffer.length), offset, seq);
}

/** Writes `seq` as a u64 BE at `offset` of `view`: two stores, where a byte at a time is eight (a session writes one per message it sends). */
export function setSeq(view: DataView, offset: number, seq: number): void {
  view.setUint32(offset, Math.floor(seq / 0x1_0000_0000));
  view.setUint32(offset + 4, seq >>> 0);
}

/**
 * Reads the u64 BE seq at the start of `payload` (of `payload[start, end)`: a frame where
 * it lies in a received chunk, without a view of it); `BadData` if the payload is too
 * short or the seq past 2^53.
 */
export function readSeq(payload: Uint8Array, what: string, start = 0, end = payload.length): number {
  if (end - start < SEQ_BYTES) throw new BadDataError(`${what} frame of ${end - start} bytes is too short for its sequence number`);
  const high = readU32BE(payload, start);
  if (high >= 0x20_0000) throw new BadDataError(`${what} frame's sequence number is past 2^53`);
  return high * 0x1_0000_0000 + readU32BE(payload, start + 4);
}
