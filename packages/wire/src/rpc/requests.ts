import { BadDataError, TimeoutError, type OonError, type NetMessageOptions } from '@oon/core';
import type { AnyClass } from '../connection/class-filter';
import { nameOfRequest } from './request-name';

/** Milliseconds a request waits for its reply unless told otherwise. @default 30000 */
export const DEFAULT_REQUEST_TIMEOUT = 30_000;

/** Options of `request()`; `R` is the class of reply `reply` asks for. */
export interface RequestOptions<R extends object = object> extends NetMessageOptions {
  /** Milliseconds to wait for the reply before rejecting with `Timeout`. @default 30000 */
  timeout?: number;
  /** Cancels the wait: the promise rejects with the signal's reason (a late reply is dropped). */
  signal?: AbortSignal;
  /**
   * The class the reply must be (a subclass will do): `request()` then resolves with an
   * `R`, typed, and rejects with `BadData` naming both classes when the peer answers with
   * another. Unset, any reply is taken.
   */
  reply?: AnyClass<R>;
}

/**
 * `request()`'s options without `reply`: any reply is taken, typed as the caller says
 * (`request<R>()`) but unchecked. Pass `reply` for a reply that is checked to be an `R`.
 */
export type UncheckedRequestOptions = Omit<RequestOptions, 'reply'> & {
  /** Never given here: without it the reply is not checked. */
  reply?: never;
};

/**
 * Answers requests of one class: returns (or resolves to) the reply object. `signal`
 * aborts, with a `BadConn` reason, when the connection the request came on closes: the
 * reply could not be sent then, so long work can stop (requests are not resent after a
 * reconnect).
 */
export type RequestHandler<C extends object, Context> = (object: C, context: Context, signal: AbortSignal) => object | Promise<object>;

interface Pending {
  /** When the request times out (`Date.now()` ms). */
  readonly deadline: number;
  resolve(object: object): void;
  reject(error: unknown): void;
  /** Rejects with `Timeout` (its deadline passed). */
  expire(): void;
}

/** A reply that is not of the class the caller asked for, as `request(…, { reply })` rejects with it. */
function wrongReply(what: string, object: object, expected: AnyClass): BadDataError {
  return new BadDataError(`the reply to ${what} is of class ${object.constructor.name}, not ${expected.name} as the reply option asks`);
}

const MAX_ID = 0xffff_ffff;

/** What a {@link PendingRequests} asks of its owner; both are optional. */
export interface PendingRequestsHooks {
  /** True for an id still in use elsewhere (a request the peer has not answered yet): not handed out. */
  taken?(id: number): boolean;
  /** A request settled (answered, failed, timed out or aborted) and stopped waiting. */
  settled?(id: number): void;
}

/**
 * The requests one connection is waiting on, by correlation id: ids are handed out in
 * turn (wrapping at 2^32, skipping ids still waiting), and each request is bounded by
 * its deadline and signal, so a reply that never comes never leaks a promise.
 *
 * Deadlines share one timer, armed for the earliest and left armed when a request is
 * answered (it finds nothing due, and is armed for the next): a timer set and cleared
 * per request was ~1.3% of a requester's time in a round-trip loop.
 */
export class PendingRequests {
  readonly #pending = new Map<number, Pending>();
  readonly #hooks: PendingRequestsHooks;
  #lastId = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the timer fires (`Date.now()` ms), while it is armed. */
  #timerAt = Number.POSITIVE_INFINITY;
  /** The timer's callback, made when it is first armed: a link that never times a request holds none. */
  #onTimer: (() => void) | undefined;

  constructor(hooks: PendingRequestsHooks = {}) {
    this.#hooks = hooks;
  }

  /** Requests still waiting for a reply. */
  get size(): number {
    return this.#pending.size;
  }

  /** True while the request `id` waits for its reply. */
  waiting(id: number): boolean {
    return this.#pending.has(id);
  }

  /**
   * Opens a request: its id, to put on the wire, and the promise of its reply. `what`
   * names the request in its errors (made only for one: a name per request showed in
   * the profile).
   */
  open(what: string | (() => string), options: RequestOptions): { id: number; reply: Promise<object> } {
    const id = this.#nextId();
    const { timeout = DEFAULT_REQUEST_TIMEOUT, signal, reply: expected } = options;
    const name = typeof what === 'string' ? () => what : what;
    const reply = new Promise<object>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => settle(() => reject(signal?.reason));
      const settle = (action: () => void): void => {
        this.#pending.delete(id);
        if (signal !== undefined) signal.removeEventListener('abort', onAbort);
        this.#hooks.settled?.(id);
        action();
      };
      if (signal !== undefined) signal.addEventListener('abort', onAbort, { once: true });
      const deadline = Date.now() + timeout;
      this.#pending.set(id, {
        deadline,
        resolve: (object) =>
          settle(() => (expected === undefined || object instanceof expected ? resolve(object) : reject(wrongReply(name(), object, expected)))),
        reject: (error) => settle(() => reject(error)),
        expire: () => settle(() => reject(new TimeoutError(`no reply to ${name()} within ${timeout} ms (request timeout)`))),
      });
      if (deadline < this.#timerAt) this.#arm(deadline);
    });
    return { id, reply };
  }

  /** Arms the shared timer for `at` (`Date.now()` ms). */
  #arm(at: number): void {
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout((this.#onTimer ??= () => this.#expireDue()), Math.max(0, at - Date.now()));
  }

  /** Fails the requests past their deadline, and arms the timer for the next one. */
  #expireDue(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const pending of [...this.#pending.values()]) {
      if (pending.deadline <= now) pending.expire();
      else if (pending.deadline < next) next = pending.deadline;
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
  }

  /**
   * Delivers a reply (the request fails with `BadData` instead if it is not of the class
   * its `reply` option asked for); false if no request waits under that id (it timed out
   * or was aborted).
   */
  resolve(id: number, object: object): boolean {
    const pending = this.#pending.get(id);
    pending?.resolve(object);
    return pending !== undefined;
  }

  /** Fails one request with the error its handler reported. */
  reject(id: number, error: OonError): boolean {
    const pending = this.#pending.get(id);
    pending?.reject(error);
    return pending !== undefined;
  }

  /** Fails every waiting request: the connection is gone. */
  rejectAll(error: OonError): void {
    for (const pending of [...this.#pending.values()]) pending.reject(error);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #nextId(): number {
    do {
      this.#lastId = this.#lastId >= MAX_ID ? 1 : this.#lastId + 1;
    } while (this.#pending.has(this.#lastId) || this.#hooks.taken?.(this.#lastId) === true);
    return this.#lastId;
  }
}

/**
 * The request handlers of one endpoint, by class: `handle(Ping, …)`. A request goes to
 * the handler of its class or, failing that, of its nearest registered ancestor.
 */
export class RequestHandlers<Context> {
  readonly #handlers = new Map<Function, RequestHandler<object, Context>>();

  /** Sets the handler for a class (replacing any); returns a function that removes it. */
  set<C extends object>(type: AnyClass<C>, handler: RequestHandler<C, Context>): () => void {
    const entry = handler as RequestHandler<object, Context>;
    this.#handlers.set(type, entry);
    return () => {
      if (this.#handlers.get(type) === entry) this.#handlers.delete(type);
    };
  }

  /**
   * Runs the handler for an object: its reply, as it returned it (an object, or a promise
   * of one). Throws `BadData` when no handler fits, or what the handler threw. Not async:
   * a handler that answers at once is answered without waiting a microtask or two.
   */
  dispatch(object: object, context: Context, signal: AbortSignal): object | Promise<object> {
    for (let proto: unknown = Object.getPrototypeOf(object); proto !== null; proto = Object.getPrototypeOf(proto)) {
      const handler = this.#handlers.get((proto as { constructor: Function }).constructor);
      if (handler !== undefined) return handler(object, context, signal);
    }
    // The requester reads this after `<name> request failed: `, which names the request already.
    const what = nameOfRequest(object) === object.constructor.name ? 'this class' : `class ${object.constructor.name}`;
    throw new BadDataError(`no handler here takes ${what}, nor a class it extends: register one on this side with handle()`);
  }
}
