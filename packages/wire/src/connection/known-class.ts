/** Whatever holds a peer's class check: a link's hooks, or a session's link. */
export interface PeerClassCheck<E> {
  /** The error for an object whose class the peer did not list, `undefined` to send it. */
  refuseUnknown(object: object): E | undefined;
}

/** The check of a session with no link yet: nothing is refused until a peer's hello says what it lacks. */
export const NOTHING_REFUSED: PeerClassCheck<never> = { refuseUnknown: () => undefined };

/**
 * A peer's class check (did its hello list the object's class?) that remembers the last
 * class sent: a message of the same class skips it. That class encoded, so its registered
 * name is fixed, and the peer listed it; the check is a chain of calls into a link's own
 * objects, per peer, that was a fifth of a broadcast's send to many. Made anew for each
 * link (each hello), so a new peer's list is checked again.
 */
export class KnownClass<E> {
  // The check's holder, not a closure over it: one object fewer per link (docs/benchmarks.md, idle connections).
  readonly #peer: PeerClassCheck<E>;
  #last: unknown;

  /** `peer` holds the peer's check. */
  constructor(peer: PeerClassCheck<E>) {
    this.#peer = peer;
  }

  /** Why `object` cannot be sent to the peer, or `undefined`: the check, unless its class is the last sent. */
  refusal(object: object): E | undefined {
    // `?.`: plain JavaScript may send `undefined` (a handler that returns nothing; the codec refuses it).
    return (object as object | undefined)?.constructor === this.#last ? undefined : this.#peer.refuseUnknown(object);
  }

  /** `object` was encoded for the peer: its class needs no check again on this link. */
  sent(object: object): void {
    this.#last = object.constructor;
  }
}
