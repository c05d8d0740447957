import { BadConnError, TimeoutError, type OonError } from '@oon/core';

/** Options of a pull call: `receive()`, `accept()`. */
export interface ReceiveOptions {
  /** Milliseconds to wait before rejecting with `Timeout`; none by default. */
  timeout?: number;
  /** Cancels the wait: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Options of {@link Inbox}. */
export interface InboxOptions {
  /** What the items are, for messages ("message", "connection"). */
  what: string;
  /** Items held before `onFull` is called (the owner then stops reading). @default 1024 */
  highWaterMark?: number;
  /** Called when the inbox reaches `highWaterMark`, to pause the source. */
  onFull?: () => void;
  /** Called when a full inbox has been read down to half, to resume the source. */
  onDrain?: () => void;
}

interface Waiter<T> {
  resolve(item: T): void;
  reject(error: unknown): void;
}

/** Default number of items an inbox holds before it asks its source to pause. */
export const DEFAULT_INBOX_HIGH_WATER_MARK = 1024;

/**
 * The pull side of an endpoint: a queue that `receive()` / `accept()` and async
 * iteration read from, shared by server and client.
 *
 * A waiting reader gets the next item at once; otherwise items are held, up to a high
 * water mark at which the owner is told to pause its source (the socket), so a slow
 * reader applies TCP backpressure rather than growing memory.
 */
export class Inbox<T> {
  readonly #items: T[] = [];
  readonly #waiters = new Set<Waiter<T>>();
  readonly #options: Required<Pick<InboxOptions, 'what' | 'highWaterMark'>> & InboxOptions;
  #paused = false;
  #ended: OonError | undefined;
  /** The end was a clean close: iteration finishes instead of throwing. */
  #cleanEnd = false;

  constructor(options: InboxOptions) {
    this.#options = { highWaterMark: DEFAULT_INBOX_HIGH_WATER_MARK, ...options };
  }

  /** True while a reader is waiting, so an item pushed now is taken at once. */
  get hasWaiters(): boolean {
    return this.#waiters.size > 0;
  }

  /** Items held, not yet read. */
  get size(): number {
    return this.#items.length;
  }

  /** Hands an item to the first waiting reader, or holds it. */
  push(item: T): void {
    if (this.#ended !== undefined) return;
    const [waiter] = this.#waiters;
    if (waiter !== undefined) {
      this.#waiters.delete(waiter);
      waiter.resolve(item);
      return;
    }
    this.#items.push(item);
    if (!this.#paused && this.#items.length >= this.#options.highWaterMark) {
      this.#paused = true;
      this.#options.onFull?.();
    }
  }

  /** Drops a held item that is no longer worth reading (a peer that left with nothing to say); true if it was held. */
  remove(item: T): boolean {
    const at = this.#items.indexOf(item);
    if (at === -1) return false;
    this.#items.splice(at, 1);
    return true;
  }

  /** Takes an item already held, if any, without waiting. */
  poll(): T | undefined {
    const item = this.#items.shift();
    if (this.#paused && this.#items.length <= this.#options.highWaterMark / 2) {
      this.#paused = false;
      this.#options.onDrain?.();
    }
    return item;
  }

  /**
   * The next item. Rejects with `Timeout` after `timeout` ms, with the signal's reason
   * when aborted, and with the end's error (`BadConn` by default) once the source has
   * ended and nothing is held.
   */
  receive(options: ReceiveOptions = {}): Promise<T> {
    if (this.#items.length > 0) return Promise.resolve(this.poll() as T);
    if (this.#ended !== undefined) return Promise.reject(this.#ended);
    const { timeout, signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => settle(() => reject(signal?.reason));
      const settle = (action: () => void): void => {
        this.#waiters.delete(waiter);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        action();
      };
      const waiter: Waiter<T> = {
        resolve: (item) => settle(() => resolve(item)),
        reject: (error) => settle(() => reject(error)),
      };
      this.#waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeout !== undefined) {
        timer = setTimeout(
          () => waiter.reject(new TimeoutError(`no ${this.#options.what} within ${timeout} ms`)),
          timeout,
        );
      }
    });
  }

  /**
   * Ends the inbox: waiting readers reject with `error` (or a `BadConn` saying the
   * source closed), held items can still be read, then reads reject too.
   */
  end(error?: OonError): void {
    if (this.#ended !== undefined) return;
    this.#ended = error ?? new BadConnError(`no more ${this.#options.what}s: the connection is closed`);
    for (const waiter of [...this.#waiters]) waiter.reject(this.#ended);
  }

  /**
   * Reads every item as it comes, until the source ends. A clean end finishes the
   * loop; an end caused by a fault (`error` given to `end()`) throws it.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      try {
        yield await this.receive();
      } catch (err) {
        if (err === this.#ended && this.#cleanEnd) return;
        throw err;
      }
    }
  }

  /** Ends the inbox cleanly: iteration finishes instead of throwing. */
  finish(): void {
    this.#cleanEnd = this.#ended === undefined;
    this.end();
  }
}
