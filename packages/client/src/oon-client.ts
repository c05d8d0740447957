import { EventEmitter } from 'eventemitter3';
import { BadConnError, BadDataError, OonError, TimeoutError, type NetMessage, type NetMessageOptions } from '@oon/core';
import {
  DEFAULT_CLOSE_GRACE,
  DEFAULT_REQUEST_TIMEOUT,
  type AnyClass,
  type DeliveryStats,
  type DisconnectReason,
  type ReceiveOptions,
  type RequestHandler,
  type RequestOptions,
  type SchemaProblems,
  type UncheckedRequestOptions,
  type Logger,
} from '@oon/wire';
import {
  Connection,
  forInstancesOf,
  isResumable,
  nameOfRequest,
  rejectedQuietly,
  RequestHandlers,
  type Inbox,
  type Transport,
  log,
  logFault,
  logLinkClosed,
} from '@oon/wire/internal';
import type { ClientStatus, OonClientEvents } from './events';
import { ClientSession } from './client-session';
import { checkDialOptions } from './dial';
import { Endpoints } from './endpoints';
import { LinkHistory } from './link-history';
import { LinkWaiters } from './link-waiters';
import { resolveClientOptions, type ClientRequestOptions, type OonClientOptions, type ResolvedClientOptions } from './options';
import { Reconnector } from './reconnector';

/**
 * Connects to an `OonServer` and exchanges objects with it:
 * what arrives is a live instance of its registered class.
 *
 * Once connected, it reconnects by itself when the link drops and resumes its session:
 * what either side sent meanwhile is delivered once, in order (docs/reconnect.md).
 *
 * @example
 * ```ts fragment
 * const client = new OonClient<FordTruck>({ port: 9090 });
 * client.on('message', (truck) => truck.showInfo());
 * await client.connect();
 * await client.send(new VolvoCar());
 * await client.close();
 * ```
 */
export class OonClient<T extends object = object> extends EventEmitter<OonClientEvents<T>> {
  readonly #options: ResolvedClientOptions;
  #connection: Connection | undefined;
  readonly #handlers = new RequestHandlers<OonClient<T>>();
  /** The connection that ended last, so what it received before it ended can still be read. */
  #lastConnection: Connection | undefined;
  #connecting: Promise<void> | undefined;
  #status: ClientStatus = 'idle';
  /** The resumable session, from the first connect until `close()` (or giving up). */
  readonly #session: ClientSession;
  #reconnector: Reconnector | undefined;
  /** Set by `close()`: a link that drops now is not reconnected. */
  #closing = false;
  /** How the last link ended, for the message of a call made while not connected. */
  readonly #history = new LinkHistory();
  /** Requests waiting for the link to come back (`waitForReconnect`). */
  readonly #waiters = new LinkWaiters();
  /** Which of the endpoints is dialed next (the one connected to, while connected). */
  readonly #endpoints: Endpoints;

  constructor(options: OonClientOptions = {}) {
    super();
    this.#options = resolveClientOptions(options);
    checkDialOptions(this.#options);
    this.#endpoints = new Endpoints(this.#options);
    this.#session = new ClientSession(this.#options.connection, () => this.#where());
  }

  /** True while connected (handshake done, not closing). */
  get connected(): boolean {
    return this.#connection?.open ?? false;
  }

  /**
   * `'idle'` before `connect()`, `'connecting'` during it, `'connected'`,
   * `'reconnecting'` between a dropped link and the next, `'closed'` after `close()` or
   * a final disconnect (`connect()` may start again from there).
   */
  get status(): ClientStatus {
    return this.#status;
  }

  /**
   * What cannot travel between this client's schema and the server's, per class and
   * direction (docs/evolution.md), for the current (else the last) connection:
   * `undefined` when the server's schema is the client's, or before connecting.
   */
  get schemaProblems(): SchemaProblems | undefined {
    return (this.#connection ?? this.#lastConnection)?.schemaProblems;
  }

  /**
   * Delivery figures of the session (sent, resent, received, duplicates dropped, lost),
   * or `undefined` when there is none (before connecting, or with `reconnect: false`).
   */
  get stats(): Readonly<DeliveryStats> | undefined {
    return this.#session.current?.stats;
  }

  /**
   * Connects and completes the handshake. Rejects with `BadConn` if refused or already
   * connected, `Timeout` if no OON server answers within `connectTimeout`, `BadData` if
   * the server speaks something else. A failed `connect()` is not retried: reconnecting
   * starts once a link has been up.
   */
  connect(): Promise<void> {
    if (this.#connecting !== undefined || this.#connection !== undefined || this.#status === 'reconnecting') {
      return Promise.reject(new BadConnError(`already connected or connecting to ${this.#where()}; close() first`));
    }
    this.#closing = false;
    this.#status = 'connecting';
    return this.#track(this.#endpoints.dialAny((connected) => this.#handshake(connected), () => this.#closing)).catch((err: unknown) => {
      this.#status = 'idle';
      throw err;
    });
  }

  /**
   * Sends one object. Rejects with `BadConn` when not connected, or when the server is
   * evicted as a slow consumer (what is held for it would pass `maxPendingBytes`: the
   * link drops for good), `BadData` when the object cannot be sent. With a session (the
   * default), past the send window (`maxBufferedBytes`) of unacknowledged messages a send
   * waits for the server's acks: `await` it to be paced by the server (a loop that never
   * awaits fills `maxPendingBytes`). While reconnecting, the object is held and sent on
   * the next link (up to the send window, past which this rejects with `BadConn`). A
   * send still waiting when the session ends rejects with `BadConn`. The promise is
   * marked handled: dropping it cannot end the process.
   */
  send(object: object, options?: NetMessageOptions): Promise<void> {
    const target = this.#connection ?? this.#session.live;
    if (target === undefined) return rejectedQuietly(this.#notConnected());
    return target.send(object, options);
  }

  /**
   * Sends a request and resolves with the server's reply, revived (the server answers
   * with `server.handle(Class, …)`). Rejects with `BadConn` when not connected or if the
   * connection closes first, `Timeout` past `timeout` (default 30 s), the signal's
   * reason when aborted, and the server handler's error when it fails (with its
   * `appCode` and `details`, if it gave them), or with `BadData` when the server could not
   * read the request (the connection goes on). Past the server's `maxRequestsInFlight` a
   * request waits its turn here, its deadline running.
   *
   * Made while the client is reconnecting, it waits for the link (its deadline running)
   * and is sent on it, or with `waitForReconnect: false` rejects at once with `BadConn`
   * saying when and why the link was lost; it also rejects, with what ended it, if
   * reconnecting stops first.
   *
   * With `reply: Receipt` the reply is checked to be a `Receipt` (a `BadData` naming both
   * classes if it is not), and the promise is typed so.
   *
   * @example
   * ```ts fragment
   * const receipt = await client.request(order, { reply: Receipt, timeout: 5_000 });
   * ```
   */
  request<R extends object>(object: object, options: ClientRequestOptions<R> & { reply: AnyClass<R> }): Promise<R>;
  /** As above, the reply unchecked: typed `R` on the caller's word. */
  request<R extends object = object>(object: object, options?: UncheckedRequestOptions & Pick<ClientRequestOptions, 'waitForReconnect'>): Promise<R>;
  request<R extends object>(object: object, options: ClientRequestOptions = {}): Promise<R> {
    const { waitForReconnect = this.#options.waitForReconnect, ...requestOptions } = options;
    const connection = this.#connection;
    if (connection?.open !== true && waitForReconnect && this.#linkMayComeBack()) {
      return this.#requestOnNextLink(object, requestOptions) as Promise<R>;
    }
    if (connection === undefined) return Promise.reject(this.#notConnected());
    // Checked against `reply` when given (the first overload), else on the caller's word.
    return connection.request(object, requestOptions) as Promise<R>;
  }

  /** True while a dropped link is (or may be about to be) reconnected. */
  #linkMayComeBack(): boolean {
    return !this.#closing && this.#options.reconnect !== undefined && (this.#status === 'reconnecting' || this.#status === 'connected');
  }

  /** Waits for the link to come back, within the request's deadline, then sends the request on it. */
  async #requestOnNextLink(object: object, options: RequestOptions): Promise<object> {
    const { timeout = DEFAULT_REQUEST_TIMEOUT, signal } = options;
    const started = Date.now();
    await this.#waiters.wait(timeout, signal, () => {
      const what = `${nameOfRequest(object)} request to ${this.#where()}`;
      return `no reply to ${what} within ${timeout} ms (request timeout): it waited for the link all along; ${this.#history.describe(this.#where(), this.#status)}`;
    });
    const connection = this.#connection;
    if (connection === undefined) throw this.#notConnected();
    return connection.request(object, { ...options, timeout: Math.max(1, timeout - (Date.now() - started)) });
  }

  /** `BadConn` for a call that needs the link while there is none, saying why there is none. */
  #notConnected(): BadConnError {
    return new BadConnError(this.#history.describe(this.#where(), this.#status));
  }

  /**
   * Answers requests of one class (subclasses included) that the server sends with
   * `peer.request()`; the handler's third argument aborts when the connection closes.
   * Returns a function that removes the handler.
   */
  handle<C extends object>(type: AnyClass<C>, handler: RequestHandler<C, OonClient<T>>): () => void {
    return this.#handlers.set(type, handler);
  }

  /**
   * The next object the server sends, for code that reads like the origin's
   * `receive_data`. Rejects with `Timeout` after `timeout` ms, with the signal's reason
   * when aborted, and with `BadConn` when not connected or once the connection is gone
   * and nothing is left.
   *
   * Messages are held for `receive()` only while the client has no `'message'` listener;
   * with one, events get them (and a `receive()` already waiting).
   */
  receive<R extends T = T>(options?: ReceiveOptions): Promise<R> {
    const inbox = this.#inbox();
    if (inbox === undefined) return Promise.reject(this.#notConnected());
    return inbox.receive(options) as Promise<R>;
  }

  /** Every object the server sends, until the connection (or, reconnecting, the session) ends: `for await (const obj of client.messages())`. */
  async *messages<R extends T = T>(): AsyncGenerator<R, void, undefined> {
    const inbox = this.#inbox();
    if (inbox === undefined) throw this.#notConnected();
    for await (const object of inbox) yield object as R;
  }

  /** The session's inbox outlives its links; without a session, the link's. */
  #inbox(): Inbox<object> | undefined {
    return this.#session.current?.inbox ?? (this.#connection ?? this.#lastConnection)?.inbox;
  }

  /**
   * Listens for objects of one class (subclasses included), typed as that class:
   * `client.onMessage(FordTruck, (truck) => truck.showInfo())`. Returns a function that
   * removes the listener.
   */
  onMessage<C extends object>(type: AnyClass<C>, listener: (object: C, message: NetMessage<T>) => void): () => void {
    const relay = forInstancesOf(type, listener);
    this.on('message', relay);
    return () => this.off('message', relay);
  }

  /**
   * Resolves once the server has acknowledged every message sent so far, waiting through
   * reconnects: call it before `close()` to be sure nothing is left behind. Rejects with
   * `Timeout` past `timeout` ms (none by default), and with `BadConn` if the session
   * ends first (the client closed or gave up) or there is none (`reconnect: false`).
   */
  async flush(options: { timeout?: number } = {}): Promise<void> {
    const session = this.#session.live;
    if (session === undefined) {
      throw new BadConnError(`no session with ${this.#where()} to flush: connect() first (with reconnect on)`);
    }
    const { timeout } = options;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      if (timeout !== undefined) {
        timer = setTimeout(() => reject(new TimeoutError(`${session.unacknowledged} messages still unacknowledged by ${this.#where()} after ${timeout} ms`)), timeout);
      }
    });
    try {
      await Promise.race([session.drained(), deadline]);
    } finally {
      clearTimeout(timer);
    }
    if (session.ended && session.stats.lost > 0) {
      throw new BadConnError(`the session with ${this.#where()} ended before ${session.stats.lost} messages were acknowledged`);
    }
  }

  /**
   * Closes gracefully and stops reconnecting: waits (up to `closeGrace`) for the server
   * to acknowledge what was sent, tells it the session is over, and resolves when the
   * socket is closed. What is still unacknowledged then is reported by a `'loss'`
   * event. Safe to call twice, or when not connected.
   */
  async close(): Promise<void> {
    this.#closing = true;
    this.#history.closed();
    this.#waiters.fail(new BadConnError(`the client was closed before the link to ${this.#where()} came back`));
    this.#reconnector?.cancel();
    await this.#connecting?.catch(() => {});
    const connection = this.#connection;
    const session = this.#session.current;
    if (connection !== undefined && session !== undefined) await session.settle(this.#options.connection.closeGrace ?? DEFAULT_CLOSE_GRACE);
    await connection?.close();
    this.#endSession();
    if (this.#status !== 'idle') this.#status = 'closed';
  }

  /** Keeps the attempt in `#connecting` while it runs, so `close()` can wait for it. */
  #track(attempt: Promise<void>): Promise<void> {
    const tracked = attempt.finally(() => {
      if (this.#connecting === tracked) this.#connecting = undefined;
    });
    this.#connecting = tracked;
    return tracked;
  }

  async #handshake(connected: Promise<Transport>): Promise<void> {
    const connection: Connection = new Connection(await connected, this.#options.connection, {
      role: 'client',
      ...(this.#options.token === undefined ? {} : { token: this.#options.token }),
      ...(this.#options.reconnect === undefined ? {} : this.#session.hooks()),
      onOpen: () => this.#attach(connection),
      onMessage: (object, message) => this.emit('message', object as T, message as NetMessage<T>),
      handleRequest: (object, signal) => this.#handlers.dispatch(object, this, signal),
    });
    try {
      await connection.ready;
    } catch (err) {
      await connection.closed;
      throw err instanceof OonError ? err : new BadConnError(String(err), { cause: err });
    }
  }

  #attach(connection: Connection): void {
    this.#connection = connection;
    this.#status = 'connected';
    connection.on('error', (err) => this.#fault(err));
    connection.on('rejected', (rejection) => {
      log(this.#logger, 'warn', `server ${this.#where()} could not read message ${rejection.id ?? '(no id)'}: ${rejection.error.message}`, { event: 'rejected', peer: this.#where(), code: rejection.error.code });
      this.emit('rejected', rejection);
    });
    connection.once('close', (reason, error) => this.#onLinkClosed(connection, reason, error));
    this.#waiters.up();
    log(this.#logger, 'debug', `connected to ${this.#where()}`, { event: 'connect', peer: this.#where() });
    this.emit('connect');
  }

  #onLinkClosed(connection: Connection, reason: DisconnectReason, error: OonError | undefined): void {
    if (this.#connection === connection) this.#connection = undefined;
    this.#lastConnection = connection;
    const again = !this.#closing && this.#options.reconnect !== undefined && isResumable(reason) && !connection.peerClosedSession;
    if (this.#closing) this.#history.closed();
    else this.#history.lost(reason, error, again ? 'reconnecting' : this.#options.reconnect === undefined ? 'reconnect off' : 'not retried');
    if (!again && !this.#closing) {
      this.#status = 'closed';
      this.#endSession(error);
      this.#waiters.fail(this.#notConnected());
    }
    logLinkClosed(this.#logger, this.#where(), reason, this.#closing ? 'the client is closed' : again ? 'reconnecting' : 'not reconnecting', error);
    this.emit('disconnect', reason, error);
    if (again) void this.#reconnect();
  }

  /** Redials with backoff until connected, closed, refused, or out of attempts. */
  async #reconnect(): Promise<void> {
    const policy = this.#options.reconnect;
    if (policy === undefined) return;
    this.#status = 'reconnecting';
    const resentBefore = this.#session.current?.stats.resent ?? 0;
    const reconnector = new Reconnector(policy, {
      waiting: (attempt, delay) => {
        this.#history.attempting(attempt);
        log(this.#logger, 'info', `reconnecting to ${this.#where()}: attempt ${attempt} in ${Math.round(delay)} ms`, { event: 'reconnecting', peer: this.#where(), attempt, delay });
        this.emit('reconnecting', attempt, delay);
      },
      attempt: () => this.#track(this.#endpoints.dial((connected) => this.#handshake(connected))),
      // The server refused us (auth) or speaks something else: trying again cannot help.
      isFinal: (err) => err instanceof BadDataError || (err instanceof BadConnError && /authentication failed/.test(err.message)),
    });
    this.#reconnector = reconnector;
    const outcome = await reconnector.run();
    if (this.#reconnector === reconnector) this.#reconnector = undefined;
    if (outcome.kind === 'connected') {
      const resent = (this.#session.current?.stats.resent ?? 0) - resentBefore;
      const { resumed } = this.#session;
      const how = resumed ? `resumed the session, ${resent} messages resent` : 'the server had lost the session: a new one was started';
      log(this.#logger, 'info', `reconnected to ${this.#where()} after ${outcome.attempts} attempts; ${how}`, { event: 'reconnect', peer: this.#where(), attempts: outcome.attempts, resumed, resent });
      const { attempts } = outcome;
      this.emit('reconnect', resumed ? { attempts, resumed, resent } : { attempts, resumed, resent, error: this.#session.notResumed(resent) });
      return;
    }
    if (outcome.kind === 'cancelled') return;
    const cause = outcome.error;
    const why = cause instanceof Error ? cause.message : String(cause);
    const error = new BadConnError(`gave up reconnecting to ${this.#where()} after ${outcome.attempts} attempts: ${why}`, { cause });
    this.#status = 'closed';
    this.#history.gaveUp(outcome.attempts, why);
    this.#endSession(error);
    this.#waiters.fail(error);
    this.#fault(error);
  }

  /** Ends the session: what the server never acknowledged is reported as lost. */
  #endSession(error?: OonError): void {
    const lost = this.#session.end(error);
    if (lost > 0) {
      log(this.#logger, 'warn', `session with ${this.#where()} ended with ${lost} messages the server never acknowledged: lost`, { event: 'loss', peer: this.#where(), lost });
      this.emit('loss', lost);
    }
  }

  /** Every `'error'` the client raises: logged, then emitted. */
  #fault(error: OonError): void {
    logFault(this.#logger, error, { who: `server ${this.#where()}`, address: this.#where() });
    this.emit('error', error);
  }

  get #logger(): Logger | undefined {
    return this.#options.connection.logger;
  }

  #where(): string {
    return this.#endpoints.where();
  }
}
