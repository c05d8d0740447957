import type { NetMessage } from '@oon/core';
import { BinaryEngine } from './binary-engine';
import type { ByteWriter } from './byte-writer';
import type { FrameCodec } from './codec';
import { resolveCodecOptions, type CodecOptions } from './codec-options';

/** Options of {@link BinaryCodec}: the registry, the limits, references and validation. */
export type BinaryCodecOptions = CodecOptions;

/**
 * The binary codec, the default between OON peers: each class's encoder and decoder is
 * generated once, on first use, from its schema (straight-line code by `new Function`),
 * and messages are written into a reused buffer. The byte layout is in
 * docs/protocol.md. A truncated or malformed payload fails with `BadData` and is never
 * read past its end. One instance keeps per-message state: give each connection its own.
 *
 * @example
 * ```ts
 * const codec = new BinaryCodec({ registry });
 * const bytes = codec.encode(new NetMessage(car));
 * const again = codec.decode(bytes).object; // a Car
 * ```
 */
export class BinaryCodec implements FrameCodec {
  readonly name = 'binary';
  readonly #engine: BinaryEngine;

  /** Throws `RangeError` for a limit that is not a positive integer. */
  constructor(options: BinaryCodecOptions = {}) {
    this.#engine = new BinaryEngine(resolveCodecOptions(options));
  }

  /** Encodes a message: `[u8 version][uuid][root object]`; throws `BadData` naming what does not fit. */
  encode(message: NetMessage): Uint8Array {
    return this.#engine.encode(message);
  }

  /**
   * Encodes a message at the end of `out` (a connection's write batch), with no
   * buffer of its own; on a throw the caller drops what was written.
   *
   * @internal
   */
  encodeInto(message: NetMessage, out: ByteWriter): void {
    this.#engine.encodeInto(message, out);
  }

  /** Decodes a payload into a message with revived, validated instances; throws `BadData`. */
  decode(payload: Uint8Array | string, ignore?: readonly string[]): NetMessage {
    return this.#engine.decode(payload, ignore);
  }

  /** As {@link BinaryCodec.decode}, for the payload `buf[start, end)`. */
  decodeSpan(buf: Uint8Array, start: number, end: number, ignore?: readonly string[]): NetMessage {
    return this.#engine.decodeSpan(buf, start, end, ignore);
  }
}
