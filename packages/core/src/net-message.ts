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

/** A fresh message id: 10 lowercase hex characters, the shape the origin sends. */
export function newMessageId(): string {
  return randomBytes(5).toString('hex');
}
