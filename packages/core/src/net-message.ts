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

  constructor(object: T, options: NetMessageOptions = {}) {
    this.object = object;
    this.uuid = options.uuid ?? newMessageId();
    this.ignore = options.ignore ?? [];
  }
}

const ID_BYTES = 5;
/** Random bytes drawn ahead for ids: one call to the CSPRNG per 1,024 messages instead of one each. */
const ID_POOL_BYTES = ID_BYTES * 1024;
let idPool = Buffer.alloc(0);
let idOffset = 0;

/** A fresh message id: 10 lowercase hex characters, the shape the origin sends. */
export function newMessageId(): string {
  if (idOffset + ID_BYTES > idPool.length) {
    idPool = randomBytes(ID_POOL_BYTES);
    idOffset = 0;
  }
  const id = idPool.toString('hex', idOffset, idOffset + ID_BYTES);
  idOffset += ID_BYTES;
  return id;
}
