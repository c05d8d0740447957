import { BadDataError, type NetMessage, type NetMessageOptions } from '@oon/core';
import { Message } from '../message-class';
import type { ByteWriter } from '../binary/byte-writer';
import type { FrameCodec } from '../codec';
import { resolveCodecOptions, type CodecOptions, type ResolvedCodecOptions } from '../codec-options';
import { JsonPeer } from './json-peer';
import { JsonReader } from './json-reader';
import { describeJson, isPlainObject, parseJson } from './json-values';
import { JsonWriter } from './json-writer';
import { clipHead, type MessageHead } from '../../connection/message-rejection';

/** Options of {@link JsonCodec}. */
export interface JsonCodecOptions extends CodecOptions {
  /**
   * Write only what the origin (Python oon 0.0.5) can read: a list holding objects is
   * refused with `BadData` rather than sent to a peer that would fail on it. Reading, a
   * body key no field is declared for is skipped, as the origin did.
   * @default false
   */
  originOnly?: boolean;
}

/**
 * The origin-compatible JSON codec: `{"head": {"uuid": …}, "body": {"type": "Car", …}}`,
 * written byte for byte as Python oon 0.0.5 writes it (see `docs/protocol.md`), and read
 * strictly: unknown classes, undeclared fields and values of the wrong type are `BadData`
 * errors that name the path (`body.trailer.car_inside.speed`).
 *
 * Beyond the origin, it writes and reads arrays of objects, `Map`, `Set`, `Date`,
 * `bigint`, bytes, optional fields and shared references in tagged forms
 * (docs/types.md), and reads plain JSON objects in fields declared `t.json`.
 */
export class JsonCodec implements FrameCodec {
  readonly name = 'json';
  readonly #options: ResolvedCodecOptions;
  readonly #originOnly: boolean;
  readonly #peer: JsonPeer | undefined;

  constructor(options: JsonCodecOptions = {}) {
    this.#options = resolveCodecOptions(options);
    this.#originOnly = options.originOnly ?? false;
    this.#peer = options.peerSchema === undefined ? undefined : new JsonPeer(this.#options.registry, options.peerSchema);
  }

  /** Encodes a message as the origin's JSON text. */
  encode(message: NetMessage): string {
    return new JsonWriter(this.#options, this.#originOnly, message, this.#peer).write(message);
  }

  /**
   * Encodes a message as UTF-8 text at the end of `out` (a connection's write batch).
   *
   * @internal
   */
  encodeInto(message: NetMessage, out: ByteWriter): void {
    out.utf8(this.encode(message));
  }

  /**
   * {@link JsonCodec.encodeInto} of `object` sent with `options`.
   *
   * @internal
   */
  encodeObjectInto(object: object, options: NetMessageOptions | undefined, out: ByteWriter): void {
    this.encodeInto(new Message(object, options), out);
  }

  /** Decodes the origin's JSON text (or its UTF-8 bytes) into a message with a revived object. */
  decode(payload: Uint8Array | string, ignore: readonly string[] = []): NetMessage {
    const doc = parseJson(payload);
    if (!isPlainObject(doc)) throw new BadDataError(`a message is a JSON object {"head": …, "body": …}, got ${describeJson(doc)}`);
    if (!('head' in doc)) throw new BadDataError('message has no "head"; expected {"head": {"uuid": …}, "body": …}');
    if (!('body' in doc)) throw new BadDataError('message has no "body"; expected {"head": {"uuid": …}, "body": …}');
    const head = doc['head'];
    if (!isPlainObject(head)) throw new BadDataError(`message "head" must be an object, got ${describeJson(head)}`);
    const uuid = head['uuid'];
    if (uuid === undefined) throw new BadDataError('message head has no "uuid"');
    if (typeof uuid !== 'string') throw new BadDataError(`message head "uuid" must be a string, got ${describeJson(uuid)}`);
    // The origin read what it knew of a body and ignored the rest; so does its wire here.
    const object = new JsonReader(this.#options, ignore, this.#peer, this.#originOnly).read(doc['body']);
    return new Message(object, { uuid, ignore });
  }

  /** As {@link JsonCodec.decode}, for the payload `buf[start, end)`. */
  decodeSpan(buf: Uint8Array, start: number, end: number, ignore?: readonly string[]): NetMessage {
    return this.decode(buf.subarray(start, end), ignore);
  }

  /** @internal The `head.uuid` and `body.type` of a payload that failed to decode, where they are strings. */
  peekHead(buf: Uint8Array, start: number, end: number): MessageHead {
    let doc: unknown;
    try {
      doc = parseJson(buf.subarray(start, end));
    } catch {
      return {};
    }
    if (!isPlainObject(doc)) return {};
    const { head, body } = doc;
    return clipHead(isPlainObject(head) ? head['uuid'] : undefined, isPlainObject(body) ? body['type'] : undefined);
  }
}
