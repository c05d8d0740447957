import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { EventEmitter } from 'eventemitter3';
import { BadConnError, BadDataError, OonError, TimeoutError, type NetMessage, type NetMessageOptions } from '@oon/core';
import {
  DEFAULT_CLOSE_GRACE,
  type AnyClass,
  type DeliveryStats,
  type DisconnectReason,
  type ReceiveOptions,
  type RequestHandler,
  type RequestOptions,
  type SchemaProblems,
  type UncheckedRequestOptions,
} from '@oon/wire';
import {
  Connection,
  forInstancesOf,
  rejectedQuietly,
  RequestHandlers,
  Session,
  sessionProof,
  type Inbox,
  type SessionBinding,
  type SessionHello,
} from '@oon/wire/internal';
import type { ClientStatus, OonClientEvents } from './events';
import { resolveClientOptions, type OonClientOptions, type ResolvedClientOptions } from './options';
import { Reconnector } from './reconnector';

/** Link ends the client recovers from by reconnecting; the others (its own close, a refusal, bad data) are final. */
const RECONNECTABLE: ReadonlySet<DisconnectReason> = new Set(['remote close', 'connection error', 'timeout']);

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
  #session: Session | undefined;
  /** The session's secret, from the hello that granted it: resuming proves it (docs/protocol.md). */
  #sessionSecret: Buffer | undefined;
  /** Whether the last handshake resumed the session, for the `'reconnect'` event. */
  #resumed = false;
  #reconnector: Reconnector | undefined;
  /** Set by `close()`: a link that drops now is not reconnected. */
  #closing = false;

  constructor(options: OonClientOptions = {}) {
    super();
    this.#options = resolveClientOptions(options);
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
    return this.#session?.stats;
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
    return this.#track(this.#dial()).catch((err: unknown) => {
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
    const target = this.#connection ?? (this.#session?.ended === false ? this.#session : undefined);
    if (target === undefined) {
      return rejectedQuietly(new BadConnError(`not connected to ${this.#where()}: await connect() first`));
    }
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
   * With `reply: Receipt` the reply is checked to be a `Receipt` (a `BadData` naming both
   * classes if it is not), and the promise is typed so.
   *
   * @example
   * ```ts fragment
   * const receipt = await client.request(order, { reply: Receipt, timeout: 5_000 });
   * ```
   */
  request<R extends object>(object: object, options: RequestOptions<R> & { reply: AnyClass<R> }): Promise<R>;
  /** As above, the reply unchecked: typed `R` on the caller's word. */
  request<R extends object = object>(object: object, options?: UncheckedRequestOptions): Promise<R>;
  request<R extends object>(object: object, options?: RequestOptions): Promise<R> {
    if (this.#connection === undefined) {
      return Promise.reject(new BadConnError(`not connected to ${this.#where()}: await connect() first`));
    }
    // Checked against `reply` when given (the first overload), else on the caller's word.
    return this.#connection.request(object, options) as Promise<R>;
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
    if (inbox === undefined) {
      return Promise.reject(new BadConnError(`not connected to ${this.#where()}: await connect() first`));
    }
    return inbox.receive(options) as Promise<R>;
  }

  /** Every object the server sends, until the connection (or, reconnecting, the session) ends: `for await (const obj of client.messages())`. */
  async *messages<R extends T = T>(): AsyncGenerator<R, void, undefined> {
    const inbox = this.#inbox();
    if (inbox === undefined) throw new BadConnError(`not connected to ${this.#where()}: await connect() first`);
    for await (const object of inbox) yield object as R;
  }

  /** The session's inbox outlives its links; without a session, the link's. */
  #inbox(): Inbox<object> | undefined {
    return this.#session?.inbox ?? (this.#connection ?? this.#lastConnection)?.inbox;
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
    const session = this.#session;
    if (session === undefined || session.ended) {
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
    this.#reconnector?.cancel();
    await this.#connecting?.catch(() => {});
    const connection = this.#connection;
    const session = this.#session;
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

  async #dial(): Promise<void> {
    const { connectTimeout } = this.#options;
    const socket = this.#openSocket();
    socket.setNoDelay(true);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        socket.destroy();
        reject(new TimeoutError(`no OON server answered at ${this.#where()} within ${connectTimeout} ms (connectTimeout)`));
      }, connectTimeout);
    });
    try {
      await Promise.race([this.#handshake(socket), deadline]);
    } catch (err) {
      socket.destroy();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Dials the configured transport: a Unix socket, TLS, or plain TCP. */
  #openSocket(): Socket {
    const { host, port, path, tls } = this.#options;
    const where = path === undefined ? { host, port } : { path };
    if (tls === undefined) return netConnect(where);
    // SNI carries host names only; an IP address is checked against the certificate's IP entries.
    const servername = tls.servername ?? (path === undefined && isIP(host) === 0 ? host : undefined);
    return tlsConnect({ ...where, ...tls, ...(servername === undefined ? {} : { servername }) });
  }

  async #handshake(socket: Socket): Promise<void> {
    const secure = this.#options.tls !== undefined;
    await new Promise<void>((resolve, reject) => {
      socket.once(secure ? 'secureConnect' : 'connect', resolve);
      socket.once('error', (err: NodeJS.ErrnoException) => {
        const failure =
          secure && !socket.connecting
            ? `TLS handshake with ${this.#where()} failed (${err.code ?? err.message}): ${err.message}; check tls.ca (and tls.key/cert if the server asks for a client certificate)`
            : `cannot connect to ${this.#where()} (${err.code ?? err.message}); is the server running?`;
        reject(new BadConnError(failure, { cause: err }));
      });
    });
    const connection: Connection = new Connection(socket, this.#options.connection, {
      role: 'client',
      ...(this.#options.token === undefined ? {} : { token: this.#options.token }),
      ...(this.#options.reconnect === undefined
        ? {}
        : {
            sessionRequest: () => this.#sessionRequest(),
            proveSession: (nonce: Buffer) => this.#proveSession(nonce),
            bindSession: (granted: SessionHello) => this.#bindSession(granted),
          }),
      onOpen: () => this.#attach(connection),
      hasMessageListeners: () => this.listenerCount('message') > 0,
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
    connection.on('error', (err) => this.emit('error', err));
    connection.on('rejected', (rejection) => this.emit('rejected', rejection));
    connection.once('close', (reason, error) => this.#onLinkClosed(connection, reason, error));
    this.emit('connect');
  }

  #onLinkClosed(connection: Connection, reason: DisconnectReason, error: OonError | undefined): void {
    if (this.#connection === connection) this.#connection = undefined;
    this.#lastConnection = connection;
    const again = !this.#closing && this.#options.reconnect !== undefined && RECONNECTABLE.has(reason) && !connection.peerClosedSession;
    if (!again && !this.#closing) {
      this.#status = 'closed';
      this.#endSession(error);
    }
    this.emit('disconnect', reason, error);
    if (again) void this.#reconnect();
  }

  /** Redials with backoff until connected, closed, refused, or out of attempts. */
  async #reconnect(): Promise<void> {
    const policy = this.#options.reconnect;
    if (policy === undefined) return;
    this.#status = 'reconnecting';
    const resentBefore = this.#session?.stats.resent ?? 0;
    const reconnector = new Reconnector(policy, {
      waiting: (attempt, delay) => this.emit('reconnecting', attempt, delay),
      attempt: () => this.#track(this.#dial()),
      // The server refused us (auth) or speaks something else: trying again cannot help.
      isFinal: (err) => err instanceof BadDataError || (err instanceof BadConnError && /authentication failed/.test(err.message)),
    });
    this.#reconnector = reconnector;
    const outcome = await reconnector.run();
    if (this.#reconnector === reconnector) this.#reconnector = undefined;
    if (outcome.kind === 'connected') {
      const resent = (this.#session?.stats.resent ?? 0) - resentBefore;
      this.emit('reconnect', { attempts: outcome.attempts, resumed: this.#resumed, resent });
      return;
    }
    if (outcome.kind === 'cancelled') return;
    const cause = outcome.error;
    const why = cause instanceof Error ? cause.message : String(cause);
    const error = new BadConnError(`gave up reconnecting to ${this.#where()} after ${outcome.attempts} attempts: ${why}`, { cause });
    this.#status = 'closed';
    this.#endSession(error);
    this.emit('error', error);
  }

  /**
   * What the hello asks for: the session to resume (if any) and the last message received
   * in it. A session granted without a secret (a hand-written server) cannot be resumed:
   * the server then grants a new one, and the session restarts in it.
   */
  #sessionRequest(): SessionHello {
    const session = this.#session;
    if (session === undefined || session.ended) return { received: 0 };
    return this.#sessionSecret === undefined ? { received: session.received } : { id: session.id, received: session.received };
  }

  /** Proof of the session's secret over the server's challenge. */
  #proveSession(nonce: Buffer): Buffer {
    const session = this.#session;
    if (session === undefined || this.#sessionSecret === undefined) throw new BadDataError('server sent a session challenge, but this client asked to resume no session');
    return sessionProof(this.#sessionSecret, nonce, session.id);
  }

  /** The server's answer: resume the session, or (it has lost it) restart it and resend what it lacks. */
  #bindSession(granted: SessionHello): SessionBinding {
    const { id, resumed = false, received } = granted;
    if (id === undefined) throw new BadDataError('server granted a session without an id');
    let session = this.#session;
    if (session === undefined || session.ended) {
      if (resumed) throw new BadDataError(`server says it resumed session ${id}, which this client never had`);
      const { maxBufferedBytes, maxPendingBytes } = this.#options.connection;
      session = new Session({ id, peer: this.#where(), maxBufferedBytes, maxPendingBytes });
      this.#session = session;
    } else if (resumed && id !== session.id) {
      throw new BadDataError(`server resumed session ${id}, but this client asked for ${session.id}`);
    } else if (!resumed) {
      session.restart(id);
    }
    // Only a new session's grant carries its secret; a resumed one keeps the one it had.
    if (!resumed) this.#sessionSecret = granted.secret === undefined ? undefined : Buffer.from(granted.secret, 'base64');
    this.#resumed = resumed;
    return { session, peerReceived: resumed ? received : 0 };
  }

  /** Ends the session: what the server never acknowledged is reported as lost. */
  #endSession(error?: OonError): void {
    const session = this.#session;
    if (session === undefined || session.ended) return;
    const lost = session.end(error instanceof BadConnError ? error : undefined);
    if (lost > 0) this.emit('loss', lost);
  }

  #where(): string {
    const { path, host, port } = this.#options;
    return path ?? `${host}:${port}`;
  }
}
