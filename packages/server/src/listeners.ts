import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { BadConnError, StartFailError, StopFailError, type OonError } from '@oon/core';
import { DEFAULT_HANDSHAKE_TIMEOUT } from '@oon/wire';
import { SocketTransport, type Transport } from '@oon/wire/internal';
import type { ResolvedServerOptions } from './options';
import { WebSocketListener } from './websocket-listener';

/** What the listeners tell their server. */
export interface ListenerHooks {
  /** A client connected, over any transport: the server accepts or refuses it. */
  accept(transport: Transport): void;
  /** A failure no caller waits on. */
  fault(error: OonError): void;
}

/**
 * Where an `OonServer` takes clients from: its TCP (or TLS, or Unix socket) server, and
 * its WebSocket endpoint when it has one. Each hands the server a `Transport`, so what
 * follows (slots, handshake, limits) is the same for all.
 */
export class Listeners {
  readonly #options: ResolvedServerOptions;
  readonly #hooks: ListenerHooks;
  #server: Server | undefined;
  #websocket: WebSocketListener | undefined;
  #started = false;

  constructor(options: ResolvedServerOptions, hooks: ListenerHooks) {
    this.#options = options;
    this.#hooks = hooks;
  }

  /** True while clients are taken. */
  get listening(): boolean {
    return this.#started;
  }

  /** The TCP server's bound address (on a Unix socket `{ address: path, family: 'unix', port: 0 }`), or `null`. */
  address(): AddressInfo | null {
    const address = this.#server?.address();
    if (typeof address === 'string') return { address, family: 'unix', port: 0 };
    return typeof address === 'object' && address !== null ? address : null;
  }

  /** Where WebSocket clients connect (the own port, or the app's server while it listens), or `null`. */
  websocketAddress(): AddressInfo | null {
    return this.#websocket?.address() ?? null;
  }

  /** Starts every listener; if one cannot start, those started are stopped and it rejects with `StartFail`. */
  async start(): Promise<void> {
    const { websocket, tcp } = this.#options;
    try {
      if (tcp) await this.#listenTcp();
      if (websocket !== undefined) {
        const handshakeTimeout = this.#options.connection.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT;
        this.#websocket = new WebSocketListener(websocket, this.#options.tls, handshakeTimeout, this.#hooks);
        await this.#websocket.start();
      }
    } catch (err) {
      await this.stop().catch(() => {});
      throw err;
    }
    this.#started = true;
  }

  /** Stops taking clients; resolves when the listening sockets are closed (not the clients'). */
  async stop(): Promise<void> {
    this.#started = false;
    const server = this.#server;
    const websocket = this.#websocket;
    this.#websocket = undefined;
    const stopped =
      server === undefined
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            server.close((err) => (err ? reject(new StopFailError(`closing ${this.where()} failed: ${err.message}`, { cause: err })) : resolve()));
          });
    await Promise.all([stopped, websocket?.stop()]);
    this.#server = undefined;
  }

  /** The server's address for messages: the TCP one, else the WebSocket port's. */
  where(): string {
    const { path, host, port, tcp, websocket } = this.#options;
    if (path !== undefined) return path;
    const bound = this.address() ?? this.websocketAddress();
    if (bound !== null) return `${bound.address}:${bound.port}`;
    return tcp || websocket?.port === undefined ? `${host}:${port}` : `${websocket.host}:${websocket.port}`;
  }

  #listenTcp(): Promise<void> {
    const server = this.#createServer();
    this.#server = server;
    const { host, port, path, backlog } = this.#options;
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        this.#server = undefined;
        const hint =
          err.code !== 'EADDRINUSE' ? '' : path === undefined ? ': the port is in use; pick another or stop what holds it' : ': the path is in use; stop what holds it or remove a stale socket file';
        reject(new StartFailError(`cannot listen on ${this.where()} (${err.code ?? err.message})${hint}`, { cause: err }));
      };
      server.once('error', onError);
      server.listen(path === undefined ? { host, port, backlog } : { path, backlog }, () => {
        server.off('error', onError);
        server.on('error', (err) => this.#hooks.fault(new StartFailError(`server socket failed: ${err.message}`, { cause: err })));
        resolve();
      });
    });
  }

  /** A plain TCP (or Unix socket) server, or a TLS one whose sockets arrive after their TLS handshake. */
  #createServer(): Server {
    const accept = (socket: Socket): void => {
      socket.setNoDelay(true);
      this.#hooks.accept(new SocketTransport(socket));
    };
    const { tls } = this.#options;
    if (tls === undefined) return createServer(accept);
    const { mutual = false, ...secure } = tls;
    const server = createTlsServer({ ...secure, requestCert: mutual, rejectUnauthorized: mutual }, accept);
    server.on('tlsClientError', (err, socket) => {
      const from = socket.remoteAddress === undefined ? 'a client' : `client ${socket.remoteAddress}:${String(socket.remotePort)}`;
      this.#hooks.fault(new BadConnError(`TLS handshake with ${from} failed: ${err.message}`, { cause: err }));
    });
    return server;
  }
}
