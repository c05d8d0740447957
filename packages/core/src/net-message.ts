/** Options of {@link NetMessage}. */
export interface NetMessageOptions {
  /**
   * The message id, sent with the message. @default none: a receiving connection derives
   * one (docs/protocol.md, "Message ids"); read on a message that has none, 10 random hex
   * characters, as the origin makes them
   */
  uuid?: string;
  /**
   * Field names left out at every depth, when writing and when reading (the origin's
   * `fields_to_ignore`). A field is matched by its property name or its wire name.
   */
  ignore?: readonly string[];
}

/** Where the ids a connection derives for the messages it receives begin: read once someone asks for an id. */
export interface MessageIdPrefix {
  /** The common start of the ids, such as `<session id>:`. */
  readonly idPrefix: string;
}

/**
 * One object on its way over the network, with its id: the origin's `_NetMessage`.
 *
 * The id is the one given (`options.uuid`) or, on a message a connection received
 * without one, the one that connection derives for it (docs/protocol.md, "Message ids");
 * otherwise 10 random hex characters, drawn the first time `uuid` is read. A message
 * nobody asks the id of never draws one, and a connection sends an id only when there
 * is one to send.
 *
 * @example
 * ```ts fragment
 * const message = new NetMessage(truck, { ignore: ['speed'] });
 * ```
 */
export class NetMessage<T extends object = object> {
  /** The object carried: a live instance of a registered class. */
  readonly object: T;
  /** Field names left out at every depth. */
  readonly ignore: readonly string[];
  #uuid: string | undefined;
  /** What a received message's id is derived from, until it is read: a prefix and a number. */
  #idFrom: MessageIdPrefix | undefined;
  #idNumber = 0;

  constructor(object: T, options?: NetMessageOptions) {
    this.object = object;
    // No options object and no empty array per message: one is made for every message sent.
    this.#uuid = options?.uuid;
    this.ignore = options?.ignore ?? NO_IGNORE;
  }

  /** The message id: given, derived by the connection it came on, or drawn at random when first read. */
  get uuid(): string {
    if (this.#uuid === undefined) this.#uuid = this.#idFrom === undefined ? newMessageId() : `${this.#idFrom.idPrefix}${this.#idNumber}`;
    return this.#uuid;
  }

  /**
   * The id if the message has one yet (given, or read once already), else `undefined`:
   * what a connection sends, so that an id someone has seen is the id the peer sees.
   */
  get uuidIfSet(): string | undefined {
    return this.#uuid;
  }

  /**
   * For a connection that received this message without an id: its id is `from`'s prefix
   * followed by `n` (made when first read). Does nothing to a message that has an id.
   */
  deriveUuid(from: MessageIdPrefix, n: number): void {
    if (this.#uuid !== undefined) return;
    this.#idFrom = from;
    this.#idNumber = n;
  }
}

/** The `ignore` of a message that leaves nothing out, shared (and frozen) rather than one per message. */
const NO_IGNORE: readonly string[] = Object.freeze([]);

const ID_BYTES = 5;
/**
 * Random bytes drawn ahead for ids: one call to the CSPRNG per 1,024 messages instead of
 * one each. Web Crypto's `getRandomValues` (Node 20 and browsers alike) refills it in
 * place, so ids cost no allocation and core needs no Node built-in.
 */
const idPool = new Uint8Array(ID_BYTES * 1024);
let idOffset = idPool.length;
/** The character code of each hex digit. */
const HEX_CODES = Uint8Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));

/** A fresh message id: 10 lowercase hex characters, the shape the origin sends. */
export function newMessageId(): string {
  if (idOffset + ID_BYTES > idPool.length) {
    globalThis.crypto.getRandomValues(idPool);
    idOffset = 0;
  }
  const pool = idPool;
  const at = idOffset;
  idOffset += ID_BYTES;
  const b0 = pool[at] as number;
  const b1 = pool[at + 1] as number;
  const b2 = pool[at + 2] as number;
  const b3 = pool[at + 3] as number;
  const b4 = pool[at + 4] as number;
  // One call makes the string; joining five two-digit pieces made four partial strings
  // first (a lookup per digit, as before, beats toString('hex')).
  return String.fromCharCode(
    HEX_CODES[b0 >> 4] as number,
    HEX_CODES[b0 & 15] as number,
    HEX_CODES[b1 >> 4] as number,
    HEX_CODES[b1 & 15] as number,
    HEX_CODES[b2 >> 4] as number,
    HEX_CODES[b2 & 15] as number,
    HEX_CODES[b3 >> 4] as number,
    HEX_CODES[b3 & 15] as number,
    HEX_CODES[b4 >> 4] as number,
    HEX_CODES[b4 & 15] as number,
  );
}
