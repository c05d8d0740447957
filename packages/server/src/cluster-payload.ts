import { defaultRegistry, OonError, type NetMessage, type Registry } from '@oon/core';
import { BinaryCodec, describeRegistry, type Codec, type CodecOptions } from '@oon/wire';
import { SharedMessage, type PayloadKey } from '@oon/wire/internal';
import type { ClusterPayload } from './adapter';

/**
 * A broadcast that came from another node: its payload arrives encoded by the binary
 * codec, so this node's binary-codec peers of the same schema get those bytes as they
 * are; only peers of another codec or schema get an encoding made here.
 */
class ClusterMessage extends SharedMessage {
  readonly #binary: Uint8Array | undefined;

  constructor(message: NetMessage, binary: Uint8Array | undefined) {
    super(message.object, { uuid: message.uuid, ignore: message.ignore });
    this.#binary = binary;
  }

  override payloadFor(key: PayloadKey, codec: Codec): Uint8Array | OonError {
    // A connection's key is its codec's name when its peer shares this server's schema and options.
    if (key === 'binary' && this.#binary !== undefined) return this.#binary;
    return super.payloadFor(key, codec);
  }
}

/**
 * How a server encodes what it sends to the other nodes of a cluster and reads what they
 * send: OON's binary codec, by the server's codec options (those of its peers' links, so
 * a broadcast's bytes for the cluster are the ones its own binary-codec peers get).
 */
export class ClusterCodec {
  readonly #codec: BinaryCodec;
  readonly #registry: Registry;
  readonly #references: boolean;
  /** The last {@link ClusterCodec.schemaKey}, and the registry's revision it was made at: every payload carries it. */
  #key: { readonly revision: number; readonly key: string } | undefined;

  constructor(options: CodecOptions) {
    this.#registry = options.registry ?? defaultRegistry;
    this.#references = options.references === true;
    this.#codec = new BinaryCodec(options);
  }

  /** What makes bytes of equal messages differ between nodes: the registry's schema and `references`. */
  get schemaKey(): string {
    const { revision } = this.#registry;
    if (this.#key?.revision !== revision) {
      const { hash } = describeRegistry(this.#registry);
      this.#key = { revision, key: this.#references ? `${hash}+references` : hash };
    }
    return this.#key.key;
  }

  /** `shared` encoded for the cluster (once: its binary-codec peers here reuse the bytes); the `BadData` if it cannot be. */
  encodeShared(shared: SharedMessage): ClusterPayload | OonError {
    const bytes = shared.payloadFor('binary', this.#codec);
    if (bytes instanceof OonError) return bytes;
    return { ignore: shared.message.ignore, schema: this.schemaKey, bytes };
  }

  /** A server-side message encoded for the cluster; throws `BadData` if it cannot be. */
  encode(message: NetMessage): ClusterPayload {
    return { ignore: message.ignore, schema: this.schemaKey, bytes: this.#codec.encode(message) };
  }

  /** Revives a payload from another node; throws `BadData` naming what is wrong. */
  decode(payload: ClusterPayload): NetMessage {
    return this.#codec.decode(payload.bytes, payload.ignore);
  }

  /** A payload from another node as a broadcast for this node's peers; throws `BadData` if it does not decode. */
  decodeShared(payload: ClusterPayload): SharedMessage {
    return new ClusterMessage(this.decode(payload), payload.schema === this.schemaKey ? payload.bytes : undefined);
  }
}
