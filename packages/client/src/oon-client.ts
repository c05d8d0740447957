import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { EventEmitter } from 'eventemitter3';
import { BadConnError, OonError, TimeoutError, type NetMessage, type NetMessageOptions } from '@oon/core';
import { Connection, forInstancesOf, RequestHandlers, type AnyClass, type ReceiveOptions, type RequestHandler, type RequestOptions } from '@oon/wire';
import type { OonClientEvents } from './events';
import { resolveClientOptions, type OonClientOptions, type ResolvedClientOptions } from './options';

/**
 * Connects to an `OonServer` and exchanges objects with it:
 * what arrives is a live instance of its registered class.
 *
 * @example
 * ```ts
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

  constructor(options: OonClientOptions = {}) {
    super();
    this.#options = resolveClientOptions(options);
  }

  /** True while connected (handshake done, not closing). */
  get connected(): boolean {
    return this.#connection?.open ?? false;
  }

  /**
   * Connects and completes the handshake. Rejects with `BadConn` if refused or already
   * connected, `Timeout` if no OON server answers within `connectTimeout`, `BadData` if
   * the server speaks something else.
   */
  connect(): Promise<void> {
    if (this.#connecting !== undefined || this.#connection !== undefined) {
      return Promise.reject(new BadConnError(`already connected or connecting to ${this.#where()}; close() first`));
    }
    const attempt = this.#dial().finally(() => {
      this.#connecting = undefined;
    });
    this.#connecting = attempt;
    return attempt;
  }

  /** Sends one object. Rejects with `BadConn` when not connected, `BadData` when the object cannot be sent. */
  send(object: object, options?: NetMessageOptions): Promise<void> {
    if (this.#connection === undefined) {
      return Promise.reject(new BadConnError(`not connected to ${this.#where()}: await connect() first`));
    }
    return this.#connection.send(object, options);
  }

  /**
   * Sends a request and resolves with the server's reply, revived (the server answers
   * with `server.handle(Class, …)`). Rejects with `BadConn` when not connected or if the
   * connection closes first, `Timeout` past `timeout` (default 30 s), the signal's
   * reason when aborted, and the server handler's error when it fails.
   */
  request<R extends object = object>(object: object, options?: RequestOptions): Promise<R> {
    if (this.#connection === undefined) {
      return Promise.reject(new BadConnError(`not connected to ${this.#where()}: await connect() first`));
    }
    return this.#connection.request(object, options) as Promise<R>;
  }

  /**
   * Answers requests of one class (subclasses included) that the server sends with
   * `peer.request()`. Returns a function that removes the handler.
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
    const connection = this.#connection ?? this.#lastConnection;
    if (connection === undefined) {
      return Promise.reject(new BadConnError(`not connected to ${this.#where()}: await connect() first`));
    }
    return connection.inbox.receive(options) as Promise<R>;
  }

  /** Every object the server sends, until the connection ends: `for await (const obj of client.messages())`. */
  async *messages<R extends T = T>(): AsyncGenerator<R, void, undefined> {
    const connection = this.#connection ?? this.#lastConnection;
    if (connection === undefined) throw new BadConnError(`not connected to ${this.#where()}: await connect() first`);
    for await (const object of connection.inbox) yield object as R;
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

  /** Closes the connection gracefully; resolves when the socket is closed. Safe to call twice, or when not connected. */
  async close(): Promise<void> {
    await this.#connecting?.catch(() => {});
    await this.#connection?.close();
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
      onOpen: () => this.#attach(connection),
      hasMessageListeners: () => this.listenerCount('message') > 0,
      handleRequest: (object) => this.#handlers.dispatch(object, this),
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
    connection.on('message', (object, message) => this.emit('message', object as T, message as NetMessage<T>));
    connection.on('error', (err) => this.emit('error', err));
    connection.once('close', (reason, error) => {
      if (this.#connection === connection) this.#connection = undefined;
      this.#lastConnection = connection;
      this.emit('disconnect', reason, error);
    });
    this.emit('connect');
  }

  #where(): string {
    const { path, host, port } = this.#options;
    return path ?? `${host}:${port}`;
  }
}
