import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { BadConnError, StartFailError, type OonError } from '@oon/core';
import { WEBSOCKET_MESSAGE_BYTES, WebSocketTransport, type Transport } from '@oon/wire/internal';
import type { ServerTlsOptions } from './options';
import type { ResolvedWebSocketOptions } from './websocket-options';

/** What a {@link WebSocketListener} tells its server. */
export interface WebSocketListenerHooks {
  /** A WebSocket client is connected: its transport, for the server to accept or refuse as any other. */
  accept(transport: Transport): void;
  /** A failure no caller waits on (an upgrade refused, the server socket failing). */
  fault(error: OonError): void;
}

/** The reason phrase of the few statuses an upgrade is refused with. */
const STATUS_TEXT: Readonly<Record<number, string>> = { 403: 'Forbidden', 404: 'Not Found' };

/** Answers a refused upgrade on its raw socket: the status, the reason as text, then close. */
function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.on('error', () => {});
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** The path of a request URL, without its query string. */
function pathOf(url: string | undefined): string {
  const path = (url ?? '/').split('?', 1)[0] as string;
  return path === '' ? '/' : path;
}

/**
 * The WebSocket side of an `OonServer`: answers upgrades at the configured path (on a
 * port of its own, or on the app's `http`/`https` server, leaving other requests and
 * upgrades to the app), checks the `Origin`, and hands each client to the server as a
 * {@link WebSocketTransport}, where it meets the same slots, handshake and limits as a
 * TCP client.
 */
export class WebSocketListener {
  readonly #options: ResolvedWebSocketOptions;
  readonly #tls: Readonly<ServerTlsOptions> | undefined;
  readonly #hooks: WebSocketListenerHooks;
  readonly #wss: WebSocketServer;
  /** The server upgrades arrive on: our own, or the app's. */
  #server: HttpServer | undefined;
  readonly #onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => this.#upgrade(request, socket, head);

  readonly #handshakeTimeout: number;

  /** `handshakeTimeout` also bounds the HTTP request before the upgrade, on the own port. */
  constructor(options: ResolvedWebSocketOptions, tls: Readonly<ServerTlsOptions> | undefined, handshakeTimeout: number, hooks: WebSocketListenerHooks) {
    this.#options = options;
    this.#handshakeTimeout = handshakeTimeout;
    this.#tls = tls;
    this.#hooks = hooks;
    // The stream is bytes: a message holds at most what a peer's transport puts in one,
    // and the frame bound is the decoder's, as over TCP. No compression: OON's binary
    // codec leaves little to win, and permessage-deflate costs memory per client. A peer
    // that floods WebSocket pings and reads no pongs is cut by ws at 60 unwritten pongs
    // (its maxPendingAutoPongs default, ws >= 8.23), so they cannot grow without bound.
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: WEBSOCKET_MESSAGE_BYTES, perMessageDeflate: false, clientTracking: false });
  }

  /** Starts answering: binds the own port, or listens for upgrades on the app's server. Rejects with `StartFail` if the port cannot be bound. */
  async start(): Promise<void> {
    const { server, port, host } = this.#options;
    if (server !== undefined) {
      this.#server = server;
      server.on('upgrade', this.#onUpgrade);
      return;
    }
    const own = this.#createServer();
    own.on('upgrade', this.#onUpgrade);
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        const hint = err.code === 'EADDRINUSE' ? ': the port is in use; pick another or stop what holds it' : '';
        reject(new StartFailError(`cannot listen for WebSocket clients on ${host}:${String(port)} (${err.code ?? err.message})${hint}`, { cause: err }));
      };
      own.once('error', onError);
      own.listen({ host, port }, () => {
        own.off('error', onError);
        own.on('error', (err) => this.#hooks.fault(new StartFailError(`WebSocket server socket failed: ${err.message}`, { cause: err })));
        resolve();
      });
    });
    this.#server = own;
  }

  /** Where WebSocket clients connect: the own port's address, or the app's server's while it listens; else `null`. */
  address(): AddressInfo | null {
    const address = this.#server?.address();
    return typeof address === 'object' && address !== null ? address : null;
  }

  /** Stops answering upgrades: closes the own port, or leaves the app's server (the app closes it). */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    server.off('upgrade', this.#onUpgrade);
    if (server === this.#options.server) return;
    // Our own server holds no requests of its own: upgraded sockets are the connections' to close.
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The own port's HTTP server: wss with the server's `tls`; a plain request is told to upgrade. */
  #createServer(): HttpServer {
    const answer = (_request: IncomingMessage, response: ServerResponse): void => {
      response.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket', Connection: 'close' });
      response.end(`this is an OON WebSocket endpoint at ${this.#options.path}: connect with a WebSocket client\n`);
    };
    // A socket that never finishes its upgrade request is no connection yet (no slot
    // counts it): it gets handshakeTimeout, not Node's minute, to send its headers.
    const timeout = this.#handshakeTimeout;
    const limits = { headersTimeout: timeout, requestTimeout: timeout, connectionsCheckingInterval: Math.min(timeout, 30_000) };
    const tls = this.#tls;
    if (tls === undefined) return createHttpServer(limits, answer);
    const { mutual = false, ...secure } = tls;
    return createHttpsServer({ ...limits, ...secure, requestCert: mutual, rejectUnauthorized: mutual }, answer) as unknown as HttpServer;
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { path, origin, server } = this.#options;
    if (pathOf(request.url) !== path) {
      // On the app's server, other paths are the app's to answer (or its other WebSocket servers').
      if (server === undefined) refuseUpgrade(socket, 404, `no OON WebSocket endpoint at ${pathOf(request.url)}; it is at ${path}`);
      return;
    }
    const { remoteAddress, remotePort } = this.#peerAddress(request);
    const from = `${String(remoteAddress)}:${String(remotePort)}`;
    const sentOrigin = request.headers.origin;
    if (origin !== undefined && !origin(sentOrigin, request)) {
      const reason = `origin ${sentOrigin ?? '(none)'} is not allowed to connect (the server's websocket.origin option)`;
      refuseUpgrade(socket, 403, reason);
      this.#hooks.fault(new BadConnError(`refused WebSocket client ${from}: ${reason}`));
      return;
    }
    // ws answers a malformed upgrade (a bad key or version) with 400 itself.
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#hooks.accept(new WebSocketTransport(ws, { remoteAddress, remotePort })));
  }

  /** The client's address: the TCP peer's, or with `trustProxy` what the proxy in front saw. */
  #peerAddress(request: IncomingMessage): { remoteAddress: string | undefined; remotePort: number | undefined } {
    const { remoteAddress, remotePort } = request.socket;
    if (!this.#options.trustProxy) return { remoteAddress, remotePort };
    const forwarded = request.headers['x-forwarded-for'];
    const last = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',').pop()?.trim();
    return last === undefined || last === '' ? { remoteAddress, remotePort } : { remoteAddress: last, remotePort: undefined };
  }
}
