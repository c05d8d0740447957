import { OonError, type NetMessage, type NetMessageOptions } from '@oon/core';
import { Message } from './message-class';
import type { Codec } from './codec';
import { toOonError } from '../rpc/error-report';
import { utf8Bytes } from '../platform/bytes';

/**
 * What a link encodes payloads by: links with equal keys write the same bytes for the
 * same message (same codec, same options, same peer schema), so one encoding serves all
 * of them. A link whose codec reads and writes by its peer's own schema has a key of its own.
 */
export type PayloadKey = string | object;

/**
 * One message sent to many peers (a broadcast, a room): one id, and its payload encoded
 * once per {@link PayloadKey}, not once per peer. Each peer's frame is built around the
 * shared payload (a session's with its own seq in front), so only the frame header is
 * written per peer. A payload that cannot be encoded is the same `BadData` for every
 * peer of that key, encoded once too.
 */
export class SharedMessage {
  /** The message every peer gets, with the one id they all see. */
  readonly message: NetMessage;
  readonly #payloads = new Map<PayloadKey, Uint8Array | OonError>();

  constructor(object: object, options?: NetMessageOptions) {
    this.message = new Message(object, options);
  }

  /** The payload for links of `key`, encoded by `codec` the first time one asks; the `BadData` if it cannot be. */
  payloadFor(key: PayloadKey, codec: Codec): Uint8Array | OonError {
    let payload = this.#payloads.get(key);
    if (payload === undefined) {
      try {
        const encoded = codec.encode(this.message);
        // A text payload becomes bytes once, so each peer's frame copies bytes rather than encoding UTF-8 again.
        payload = typeof encoded === 'string' ? utf8Bytes(encoded) : encoded;
      } catch (err) {
        payload = toOonError(err);
      }
      this.#payloads.set(key, payload);
    }
    return payload;
  }
}

/** True when `payload` is an encoding failure rather than bytes. */
export function isRefusal(payload: Uint8Array | OonError): payload is OonError {
  return payload instanceof OonError;
}
