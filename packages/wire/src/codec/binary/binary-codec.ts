import type { NetMessage, NetMessageOptions } from '@oon/core';
import { BinaryEngine } from './binary-engine';
import { ByteWriter } from './byte-writer';
import { PayloadFormat } from './binary-format';
import type { Codec, FrameCodec } from '../codec';
import { resolveCodecOptions, type CodecOptions, type ResolvedCodecOptions } from '../codec-options';
import type { MessageHead } from '../../connection/message-rejection';

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
  readonly #options: ResolvedCodecOptions;
  readonly #engine: BinaryEngine;
  /** Reads what this codec wrote by its own class numbers, made when first needed. */
  #ownReader: BinaryEngine | undefined;

  /** Throws `RangeError` for a limit that is not a positive integer. */
  constructor(options: BinaryCodecOptions = {}) {
    this.#options = resolveCodecOptions(options);
    this.#engine = new BinaryEngine(this.#options);
  }

  /** @internal True when it writes payloads of format 2, by class numbers only its peer reads (docs/protocol.md, "Class numbers"). */
  get writesNumbers(): boolean {
    return this.#options.classNumbers !== undefined;
  }

  /**
   * @internal Decodes a payload this codec wrote (a session's kept message, to encode it
   * again for another link): by this side's own class numbers and schema, not the peer's.
   */
  decodeOwn(payload: Uint8Array): NetMessage {
    const { classNumbers } = this.#options;
    if (classNumbers === undefined && this.#options.peerSchema === undefined) return this.decode(payload);
    this.#ownReader ??= new BinaryEngine(
      resolveCodecOptions({ ...this.#options, peerSchema: undefined, classNumbers: classNumbers === undefined ? undefined : { own: classNumbers.own, peer: classNumbers.own } }),
    );
    return this.#ownReader.decode(payload);
  }

  /** Encodes a message: `[u8 format][id][root object]` (docs/protocol.md); throws `BadData` naming what does not fit. */
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

  /**
   * {@link BinaryCodec.encodeInto} of `object` sent with `options`, with no `NetMessage` made for it.
   *
   * @internal
   */
  encodeObjectInto(object: object, options: NetMessageOptions | undefined, out: ByteWriter): void {
    this.#engine.encodeObjectInto(object, options, out);
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
    return this.#engine.peekHead(buf, start, end);
  }
}

/**
 * Whether payloads `from` wrote must be encoded again for a link whose codec is `to`
 * (a session's kept messages on its next link): another codec, or a peer that does not
 * read the class numbers they were written by (an older OON, docs/protocol.md).
 */
export function mustReencode(from: Codec, to: Codec): boolean {
  return from.name !== to.name || (from instanceof BinaryCodec && from.writesNumbers && !(to instanceof BinaryCodec && to.writesNumbers));
}

/**
 * `payload` with the message id `id` in it if it is of binary format 2 without one
 * (docs/protocol.md, "Message ids"), by inserting the id after its first byte: nothing
 * else changes. Any other payload (one with an id, format 1, JSON text) as it is.
 */
export function withMessageId(payload: Uint8Array, id: string): Uint8Array {
  if (payload[0] !== PayloadFormat.V2) return payload;
  const w = new ByteWriter(payload.length + id.length * 3 + 8);
  w.u8(PayloadFormat.V2WithId);
  w.str(id);
  w.raw(payload.subarray(1));
  return w.finish();
}

/** Decodes a payload `codec` wrote, by this side's own numbers and schema (see {@link BinaryCodec.decodeOwn}). */
export function decodeOwn(codec: Codec, payload: Uint8Array | string): NetMessage {
  return codec instanceof BinaryCodec && typeof payload !== 'string' ? codec.decodeOwn(payload) : codec.decode(payload);
}
