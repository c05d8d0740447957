import { BadDataError } from '@oon/core';
import { allocBytes, readU32BE, writeU32BE } from '../platform/bytes';

/** Bytes of the sequence number in front of a session's message payload (u64 BE). */
export const SEQ_BYTES = 8;

/** A seq as 8 bytes, u64 BE (seqs stay below 2^53, so a number holds them). */
export function seqBytes(seq: number): Uint8Array {
  const bytes = allocBytes(SEQ_BYTES);
  writeSeq(bytes, 0, seq);
  return bytes;
}

/** Writes `seq` as a u64 BE at `offset`. */
function writeSeq(buffer: Uint8Array, offset: number, seq: number): void {
  writeU32BE(buffer, offset, Math.floor(seq / 0x1_0000_0000));
  writeU32BE(buffer, offset + 4, seq >>> 0);
}

/**
 * Reads the u64 BE seq at the start of `payload` (of `payload[start, end)`: a frame where
 * it lies in a received chunk, without a view of it); `BadData` if the payload is too
 * short or the seq past 2^53.
 */
export function readSeq(payload: Uint8Array, what: string, start = 0, end = payload.length): number {
  // Run for every message: the failures are built out of line, so that this is small enough to inline.
  if (end - start < SEQ_BYTES) throw seqTooShort(what, end - start);
  const high = readU32BE(payload, start);
  if (high >= 0x20_0000) throw seqTooBig(what);
  const low = readU32BE(payload, start + 4);
  // Not `0 * 2^32 + low`: that is a heap number until optimized, and one stored as a
  // message's id number turns that field into a boxed double, allocated with every message.
  return high === 0 ? low : high * 0x1_0000_0000 + low;
}

function seqTooShort(what: string, bytes: number): BadDataError {
  return new BadDataError(`${what} frame of ${bytes} bytes is too short for its sequence number`);
}

function seqTooBig(what: string): BadDataError {
  return new BadDataError(`${what} frame's sequence number is past 2^53`);
}
