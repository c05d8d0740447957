import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { Observable } from 'rxjs';
import { OonClient, type ClientStatus, type Logger, type OonClientEvents, type OonClientOptions } from '@oon/client';
import { Carriers } from './carriers';
import { isClassPattern } from './class-routes';
import { nestLogger } from './nest-logger';

/** Options of {@link OonClientProxy}: those of `OonClient`, with Nest's logger as the default `logger`. */
export interface OonClientProxyOptions extends Omit<OonClientOptions, 'logger'> {
  /**
   * Where OON logs what it does on its own (reconnects, losses): Nest's `Logger` with the
   * context `OonClientProxy` unless given; `false` logs nothing.
   * @default a Nest Logger('OonClientProxy')
   */
  logger?: Logger | false;
  /**
   * Milliseconds `send()` waits for its reply before its Observable errors with a
   * `Timeout` `OonError`; rxjs's `timeout()` on the Observable cuts it shorter.
   * @default 30000
   */
  requestTimeout?: number;
}

/** Where an {@link OonClientProxy} is, as its `status` Observable tells it: the `OonClient`'s status, and `'disconnected'` between a dropped link and the next attempt. */
export type OonClientProxyStatus = Exclude<ClientStatus, 'idle'> | 'disconnected';

/** The `OonClient` events {@link OonClientProxy.on} listens to, as callbacks. */
export type OonClientProxyEvents = { [K in keyof OonClientEvents]: (...args: OonClientEvents[K]) => void };

/**
 * A Nest `ClientProxy` that speaks OON: `client.send(pattern, obj)` and
 * `client.emit(pattern, obj)` return Observables of revived instances. It connects on
 * the first call (or `connect()`), reconnects by itself and resumes its session; a
 * request made while it reconnects waits for the link (within its timeout). A handler's
 * failure errors the Observable with an `OonError` (its `appCode` and `details` as the
 * handler gave them).
 *
 * @example
 * ```ts fragment
 * @Module({ imports: [ClientsModule.register([{ name: 'ORDERS', customClass: OonClientProxy, options: { port: 9090 } }])] })
 * class GatewayModule {}
 * // in a service: this.orders.send(Order, order) emits the handler's Receipt
 * ```
 */
// Status stays `string` in the base class: ClientsModule's `customClass` is typed `Type<ClientProxy>`,
// which a narrower (invariant) status subject would not fit; the `status` getter narrows it again.
export class OonClientProxy extends ClientProxy<OonClientProxyEvents> {
  readonly #client: OonClient;
  readonly #requestTimeout: number | undefined;
  readonly #carriers: Carriers;
  #connecting: Promise<OonClient> | undefined;

  constructor(options: OonClientProxyOptions = {}) {
    super();
    const { logger = nestLogger('OonClientProxy'), requestTimeout, ...clientOptions } = options;
    if (requestTimeout !== undefined && !(requestTimeout > 0)) throw new RangeError(`requestTimeout must be a positive number of milliseconds, got ${String(requestTimeout)}`);
    this.#requestTimeout = requestTimeout;
    this.#carriers = new Carriers(clientOptions);
    this.#client = new OonClient(logger === false ? clientOptions : { ...clientOptions, logger });
    this.#client.on('connect', () => this.#setStatus('connected'));
    this.#client.on('disconnect', () => this.#setStatus('disconnected'));
    this.#client.on('reconnecting', () => this.#setStatus('reconnecting'));
  }

  /** The connection's status changes: `'connecting'`, `'connected'`, `'disconnected'`, `'reconnecting'`, `'closed'`. */
  override get status(): Observable<OonClientProxyStatus> {
    return super.status as Observable<OonClientProxyStatus>;
  }

  /**
   * Connects (once; later calls share the attempt). A failed attempt is forgotten, so the
   * next call tries again. Rejects with the `OonError` of `OonClient.connect()`.
   */
  connect(): Promise<OonClient> {
    this.#connecting ??= this.#connect();
    return this.#connecting;
  }

  async #connect(): Promise<OonClient> {
    this.#setStatus('connecting');
    try {
      await this.#client.connect();
    } catch (error) {
      this.#connecting = undefined;
      this.#setStatus('closed');
      throw error;
    }
    return this.#client;
  }

  /** Closes gracefully (what was sent is acknowledged first, up to `closeGrace`) and stops reconnecting. Nest calls it from `app.close()`. */
  async close(): Promise<void> {
    const connecting = this.#connecting;
    this.#connecting = undefined;
    await connecting?.catch(() => {});
    await this.#client.close();
    this.#setStatus('closed');
  }

  #setStatus(status: OonClientProxyStatus): void {
    this._status$.next(status);
  }

  /** The `OonClient` underneath. */
  unwrap<T = OonClient>(): T {
    return this.#client as T;
  }

  /** Listens to an event of the `OonClient`: `'reconnect'`, `'loss'`, `'error'`, … */
  override on<K extends keyof OonClientProxyEvents>(event: K, callback: OonClientProxyEvents[K]): void {
    this.#client.on(event, callback as never);
  }

  /**
   * Sends a request and emits each value of the reply, revived, then completes; errors
   * with an `OonError`. With a class pattern `data` must be an instance of it, and is
   * sent as it is. Throws a `TypeError` for a pattern that is neither a class, a string,
   * a number nor an object.
   */
  override send<TResult = unknown, TInput = unknown>(pattern: unknown, data: TInput): Observable<TResult> {
    checkPacket(pattern, data);
    return super.send<TResult, TInput>(pattern, data);
  }

  /** Sends a one-way message (an event); the Observable completes once it is sent (with a session: once it is buffered to be delivered). */
  override emit<TResult = unknown, TInput = unknown>(pattern: unknown, data: TInput): Observable<TResult> {
    checkPacket(pattern, data);
    return super.emit<TResult, TInput>(pattern, data);
  }

  /** Sends one request for `send()`; `callback` gets each value of the reply, then the end (or the error). Returns the teardown. */
  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const abort = new AbortController();
    const options = { signal: abort.signal, ...(this.#requestTimeout === undefined ? {} : { timeout: this.#requestTimeout }) };
    let settled = false;
    this.#client.request(this.#outgoing(packet), options).then(
      (reply) => {
        settled = true;
        let values: unknown[];
        try {
          values = this.#carriers.valuesOf(reply);
        } catch (err) {
          callback({ err });
          return;
        }
        for (const response of values) callback({ response });
        callback({ isDisposed: true });
      },
      (err: unknown) => {
        settled = true;
        if (!abort.signal.aborted) callback({ err });
      },
    );
    // Unsubscribing (rxjs `timeout()`, `take(1)`) stops the wait; a late reply is dropped. The
    // teardown also runs after the reply: aborting then would only build a DOMException for nothing.
    return () => {
      if (!settled) abort.abort();
    };
  }

  /** Sends one event for `emit()`: resolves once it is sent (with a session: buffered to be delivered). */
  protected dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    return this.#client.send(this.#outgoing(packet)) as Promise<T>;
  }

  /** What goes on the wire: the instance itself for a class pattern, else a call carrying the pattern's route. */
  #outgoing({ pattern, data }: ReadPacket): object {
    return isClassPattern(pattern) ? (data as object) : this.#carriers.call(this.normalizePattern(pattern as string), data);
  }
}

/** Throws for a mistake of the caller's: a pattern OON cannot route, or class pattern with data of another class. */
function checkPacket(pattern: unknown, data: unknown): void {
  if (isClassPattern(pattern)) {
    if (!(data instanceof pattern)) {
      throw new TypeError(`with the class pattern ${pattern.name}, data must be a ${pattern.name} instance, got ${data === null ? 'null' : typeof data === 'object' ? data.constructor.name : typeof data}`);
    }
    return;
  }
  if (typeof pattern !== 'string' && typeof pattern !== 'number' && (typeof pattern !== 'object' || pattern === null)) {
    throw new TypeError(`a pattern is a class, a string, a number or an object, got ${String(pattern)}`);
  }
}
