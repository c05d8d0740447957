/** A queued request, linked in the order requests were made. */
interface Queued<T> {
  readonly id: number;
  readonly request: T;
  prev: Queued<T> | undefined;
  next: Queued<T> | undefined;
}

/**
 * The requesting side's share of `maxRequestsInFlight` (docs/limits.md): the peer's hello
 * announces how many of our requests it handles at once, and this keeps us under it.
 *
 * Under a bound, a request counts from when its frame is written until the peer's
 * response to it arrives, even if the caller stopped waiting (timeout, abort) in between:
 * the peer is still running its handler then, and counts it too. Since the peer counts a request
 * from its arrival until its handler settles, which is before its response is written,
 * our count is never below the peer's, so the peer never has to refuse one of ours.
 * Requests past the bound wait here, first in first out, and go out as responses come.
 */
export class RequestWindow<T> {
  /** Ids written and not yet answered. */
  readonly #onWire = new Set<number>();
  /**
   * Requests waiting for a slot, by id, and linked first to last: a caller that stops
   * waiting leaves from anywhere at once, and the oldest goes out at once. (A Map's own
   * order would do, but V8 leaves a hole per entry deleted at the front, and walking
   * past them made a long queue quadratic.)
   */
  readonly #queue = new Map<number, Queued<T>>();
  #first: Queued<T> | undefined;
  #last: Queued<T> | undefined;
  #limit = Number.POSITIVE_INFINITY;

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.#queue.size;
  }

  /** Requests written and not yet answered. */
  get inFlight(): number {
    return this.#onWire.size;
  }

  /** The peer's bound, from its hello; `undefined` (an older or hand-written peer announced none) is no bound. */
  setLimit(limit: number | undefined): void {
    this.#limit = limit ?? Number.POSITIVE_INFINITY;
  }

  /** True while `id` is written and unanswered or queued: not to be handed out again. */
  has(id: number): boolean {
    return this.#onWire.has(id) || this.#queue.has(id);
  }

  /** True while `id` waits in the queue: the peer has not been sent it, so cannot answer it. */
  isQueued(id: number): boolean {
    return this.#queue.has(id);
  }

  /** True when a new request may be written now: none waits, and the peer's bound has room. */
  get hasRoom(): boolean {
    return this.#queue.size === 0 && this.#onWire.size < this.#limit;
  }

  /**
   * Takes a new request: true when it may be written now (it is counted from here),
   * false when it waits in the queue behind others or for a slot.
   */
  admit(id: number, request: T): boolean {
    if (this.#queue.size === 0 && this.#onWire.size < this.#limit) {
      // Without a bound nothing needs counting, and a peer that never answers would leave an id here per request.
      if (this.#limit !== Number.POSITIVE_INFINITY) this.#onWire.add(id);
      return true;
    }
    const queued: Queued<T> = { id, request, prev: this.#last, next: undefined };
    if (this.#last === undefined) this.#first = queued;
    else this.#last.next = queued;
    this.#last = queued;
    this.#queue.set(id, queued);
    return false;
  }

  /** Drops a queued request whose caller stopped waiting; one already written keeps its slot. */
  forget(id: number): void {
    const queued = this.#queue.get(id);
    if (queued !== undefined) this.#unlink(queued);
  }

  /** Frees the slot of an answered request, or of one whose frame was never written; false if `id` held none. */
  release(id: number): boolean {
    return this.#onWire.delete(id);
  }

  /** The next queued request that may be written now, counted from here; `undefined` when none may. */
  next(): [id: number, request: T] | undefined {
    const first = this.#first;
    if (first === undefined || this.#onWire.size >= this.#limit) return undefined;
    this.#unlink(first);
    this.#onWire.add(first.id);
    return [first.id, first.request];
  }

  /** Forgets everything: the connection is gone. */
  clear(): void {
    this.#onWire.clear();
    this.#queue.clear();
    this.#first = undefined;
    this.#last = undefined;
  }

  #unlink(queued: Queued<T>): void {
    const { prev, next } = queued;
    if (prev === undefined) this.#first = next;
    else prev.next = next;
    if (next === undefined) this.#last = prev;
    else next.prev = prev;
    this.#queue.delete(queued.id);
  }
}
