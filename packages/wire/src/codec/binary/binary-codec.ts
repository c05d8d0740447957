import type { NetMessage } from '@oon/core';
import { BinaryEngine } from './binary-engine';
import { BINARY_FORMAT_VERSION, ObjectTag } from './binary-format';
import { ByteReader } from './byte-reader';
import type { ByteWriter } from './byte-writer';
import type { FrameCodec } from '../codec';
import { resolveCodecOptions, type CodecOptions } from '../codec-options';
import { clipHead, type MessageHead } from '../../connection/message-rejection';

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
 * ```ts fragment
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

  /** @internal The id and root class name of a payload that failed to decode, as far as they can be read. */
  peekHead(buf: Uint8Array, start: number, end: number): MessageHead {
    const r = new ByteReader(buf, start, end);
    let id: string | undefined;
    let className: string | undefined;
    try {
      if (r.u8() !== BINARY_FORMAT_VERSION) return {};
      id = r.str(Infinity);
      const tag = r.u8();
      // The root object names its class first (number 0: a new name), as a string.
      if ((tag === ObjectTag.Plain || tag === ObjectTag.Tracked) && r.varuint() === 0) className = r.str(Infinity);
    } catch {
      // What was read before the payload ran out or went wrong is all there is to say.
    }
    return clipHead(id, className);
  }
}
