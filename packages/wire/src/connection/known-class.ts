/**
 * A peer's class check (did its hello list the object's class?) that remembers the last
 * class sent: a message of the same class skips it. That class encoded, so its registered
 * name is fixed, and the peer listed it; the check is a chain of calls into a link's own
 * objects, per peer, that was a fifth of a broadcast's send to many. Made anew for each
 * link (each hello), so a new peer's list is checked again.
 */
export class KnownClass<E> {
  readonly #refuse: (object: object) => E | undefined;
  #last: unknown;

  /** `refuse` is the peer's check: the error for an object whose class it did not list, `undefined` to send it. */
  constructor(refuse: (object: object) => E | undefined) {
    this.#refuse = refuse;
  }

  /** Why `object` cannot be sent to the peer, or `undefined`: the check, unless its class is the last sent. */
  refusal(object: object): E | undefined {
    // `?.`: plain JavaScript may send `undefined` (a handler that returns nothing; the codec refuses it).
    return (object as object | undefined)?.constructor === this.#last ? undefined : this.#refuse(object);
  }

  /** `object` was encoded for the peer: its class needs no check again on this link. */
  sent(object: object): void {
    this.#last = object.constructor;
  }
}
