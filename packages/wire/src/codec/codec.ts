import type { NetMessage, NetMessageOptions } from '@oon/core';
import type { ByteWriter } from './binary/byte-writer';
import type { MessageHead } from '../connection/message-rejection';

/** Limits a codec enforces while writing and reading; over a limit is `BadData`. */
export interface CodecLimits {
  /** Deepest nesting of objects and collections. @default 64 */
  maxDepth?: number;
  /** Most elements in one array, `Map` or `Set`. @default 100,000 */
  maxCollectionLength?: number;
  /** Most UTF-8 bytes in one string, and bytes in one `t.bytes` value. @default 1 MiB */
  maxStringBytes?: number;
  /**
   * Most decimal digits in one `bigint` the JSON codec writes or reads (its decimal text
   * takes superlinear time to parse); the binary codec's hex form is bounded by
   * `maxStringBytes`. @default 4096
   */
  maxBigIntDigits?: number;
}

/** Turns messages into payloads and back. One instance serves one registry. */
export interface Codec {
  /** The codec's name, as announced in the handshake. */
  readonly name: string;
  /** Encodes a message; throws `BadData` when an object does not fit its schema. */
  encode(message: NetMessage): string | Uint8Array;
  /**
   * Decodes a payload into a message with revived instances; throws `BadData` naming
   * what is wrong. `ignore` leaves fields out at every depth, as the origin's
   * `fields_to_ignore` does on load.
   */
  decode(payload: Uint8Array | string, ignore?: readonly string[]): NetMessage;
  /**
   * As `decode`, for the payload `buf[start, end)`: a receiver decodes each message
   * where it lies in the received chunk, without a view of its own.
   */
  decodeSpan(buf: Uint8Array, start: number, end: number, ignore?: readonly string[]): NetMessage;
}

/**
 * A codec a connection encodes with (not exported): it writes a message's payload
 * straight into the connection's write batch, behind the frame header, so a message is
 * not copied from a buffer of the codec's own into the batch.
 *
 * @internal
 */
export interface FrameCodec extends Codec {
  /** Encodes a message at the end of `out`; on a throw the caller drops what was written. */
  encodeInto(message: NetMessage, out: ByteWriter): void;
  /**
   * {@link FrameCodec.encodeInto} of `object` sent with `options`, with no `NetMessage`
   * made for it: a session's send, where the construction was not inlined and cost ~10%
   * of a sender's instructions per message.
   */
  encodeObjectInto(object: object, options: NetMessageOptions | undefined, out: ByteWriter): void;
  /**
   * The id and class name of the payload `buf[start, end)`, as far as they can be read:
   * to name a message that failed to decode when it is rejected. Never throws.
   */
  peekHead(buf: Uint8Array, start: number, end: number): MessageHead;
}
