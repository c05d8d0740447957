import { randomBytes } from 'node:crypto';

/** Options of {@link NetMessage}. */
export interface NetMessageOptions {
  /** The message id. @default 10 random hex characters, as the origin makes them */
  uuid?: string;
  /**
   * Field names left out at every depth, when writing and when reading (the origin's
   * `fields_to_ignore`). A field is matched by its property name or its wire name.
   */
  ignore?: readonly string[];
}

/**
 * One object on its way over the network, with its id: the origin's `_NetMessage`.
 *
 * @example
 * ```ts
 * const message = new NetMessage(truck, { ignore: ['speed'] });
 * ```
 */
export class NetMessage<T extends object = object> {
  /** The message id. */
  readonly uuid: string;
  /** The object carried: a live instance of a registered class. */
  readonly object: T;
  /** Field names left out at every depth. */
  readonly ignore: readonly string[];

  constructor(object: T, options?: NetMessageOptions) {
    this.object = object;
    // No options object and no empty array per message: one is made for every message sent.
    this.uuid = options?.uuid ?? newMessageId();
    this.ignore = options?.ignore ?? NO_IGNORE;
  }
}

/** The `ignore` of a message that leaves nothing out, shared (and frozen) rather than one per message. */
const NO_IGNORE: readonly string[] = Object.freeze([]);

const ID_BYTES = 5;
/** Random bytes drawn ahead for ids: one call to the CSPRNG per 1,024 messages instead of one each. */
const ID_POOL_BYTES = ID_BYTES * 1024;
let idPool = new Uint8Array(0);
let idOffset = 0;
/** Two hex digits per byte value: a lookup is much cheaper than `toString('hex')` on 5 bytes. */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** A fresh message id: 10 lowercase hex characters, the shape the origin sends. */
export function newMessageId(): string {
  if (idOffset + ID_BYTES > idPool.length) {
    idPool = randomBytes(ID_POOL_BYTES);
    idOffset = 0;
  }
  const pool = idPool;
  const at = idOffset;
  idOffset += ID_BYTES;
  // Indexes are within the pool (checked above) and every byte has a HEX entry.
  return (
    (HEX[pool[at] as number] as string) +
    (HEX[pool[at + 1] as number] as string) +
    (HEX[pool[at + 2] as number] as string) +
    (HEX[pool[at + 3] as number] as string) +
    (HEX[pool[at + 4] as number] as string)
  );
}
