import type { IncomingMessage } from 'node:http';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import WebSocket from 'ws';
import { BadConnError } from '@oon/core';
import { SocketTransport, WEBSOCKET_MESSAGE_BYTES, WebSocketTransport, type Transport } from '@oon/wire/internal';
import type { ResolvedClientOptions } from './options';

/**
 * A link being dialed: the transport once connected (rejecting with `BadConn` saying
 * what failed and what to check), and a way to give up on it.
 *
 * This module is the client's one Node-specific part: the rest runs over the
 * `Transport` it gives, so another entry (a browser's, over its global WebSocket) can
 * replace it alone.
 */
export interface Dialing {
  readonly connected: Promise<Transport>;
  /** Abandons the attempt, or closes what it connected. */
  cancel(): void;
}

/** Dials the configured transport: a WebSocket (`url`), a Unix socket, TLS, or plain TCP. */
export function dial(options: ResolvedClientOptions, where: string): Dialing {
  if (options.url !== undefined) return dialWebSocket(options.url, options, where);
  const socket = openSocket(options);
  socket.setNoDelay(true);
  return {
    connected: socketConnected(socket, options.tls !== undefined, where).then(() => new SocketTransport(socket)),
    cancel: () => socket.destroy(),
  };
}

/** Opens a TCP, TLS or Unix socket. */
function openSocket(options: ResolvedClientOptions): Socket {
  const { host, port, path, tls } = options;
  const where = path === undefined ? { host, port } : { path };
  if (tls === undefined) return netConnect(where);
  // SNI carries host names only; an IP address is checked against the certificate's IP entries.
  const servername = tls.servername ?? (path === undefined && isIP(host) === 0 ? host : undefined);
  return tlsConnect({ ...where, ...tls, ...(servername === undefined ? {} : { servername }) });
}

/**
 * Resolves once `socket` is connected (with TLS, once its handshake is done); rejects
 * with `BadConn` saying what failed and what to check.
 */
function socketConnected(socket: Socket, secure: boolean, where: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    socket.once(secure ? 'secureConnect' : 'connect', resolve);
    socket.once('error', (err: NodeJS.ErrnoException) => reject(dialFailure(where, err, secure && !socket.connecting)));
  });
}

/** Why dialing `where` failed: in the TLS handshake (`tlsFailed`) or before it, and what to check. */
function dialFailure(where: string, err: NodeJS.ErrnoException, tlsFailed: boolean): BadConnError {
  const failure = tlsFailed
    ? `TLS handshake with ${where} failed (${err.code ?? err.message}): ${err.message}; check tls.ca (and tls.key/cert if the server asks for a client certificate)`
    : `cannot connect to ${where} (${err.code ?? err.message}); is the server running?`;
  return new BadConnError(failure, { cause: err });
}

/** Reads a refused upgrade's status and (short) text body, for the error's message. */
function describeRefusal(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      if (body.length < 1024) body += chunk;
    });
    const done = (): void => {
      const reason = body.trim().slice(0, 300);
      resolve(`HTTP ${String(response.statusCode)}${response.statusMessage ? ` ${response.statusMessage}` : ''}${reason === '' ? '' : `: ${reason}`}`);
    };
    response.on('end', done);
    response.on('error', done);
  });
}

/** Dials `ws://` or `wss://` with the `ws` library; `tls` gives wss its CA (and a client certificate). */
function dialWebSocket(url: string, options: ResolvedClientOptions, where: string): Dialing {
  const { tls } = options;
  const socket = new WebSocket(url, {
    // As on the server: the stream is bytes, in messages no longer than a peer's transport writes.
    maxPayload: WEBSOCKET_MESSAGE_BYTES,
    perMessageDeflate: false,
    ...(tls === undefined ? {} : { ca: tls.ca, key: tls.key, cert: tls.cert, ...(tls.servername === undefined ? {} : { servername: tls.servername }) }),
  });
  // Errors after the first (a cancel racing a failure) have no one to tell: the promise has settled.
  socket.on('error', () => {});
  const connected = new Promise<Transport>((resolve, reject) => {
    socket.once('open', () => {
      // The TCP socket under it: its peer is the server (or the proxy in front of it).
      const { remoteAddress, remotePort } = (socket as unknown as { _socket?: Socket })._socket ?? {};
      resolve(new WebSocketTransport(socket, { remoteAddress, remotePort }));
    });
    socket.once('unexpected-response', (_request, response) => {
      void describeRefusal(response).then((status) => {
        reject(new BadConnError(`${where} refused the WebSocket upgrade (${status}); check the url's path and the server's websocket options`));
        socket.terminate();
      });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      // ws reports a refused certificate by its code alone, before or after connecting.
      const tlsFailed = url.startsWith('wss:') && typeof err.code === 'string' && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/.test(err.code);
      reject(dialFailure(where, err, tlsFailed));
    });
  });
  return { connected, cancel: () => socket.terminate() };
}

/**
 * Refuses, in the constructor, options this platform cannot dial. Node dials all that
 * `resolveClientOptions` accepts; the browser's dial (`dial-browser.ts`) needs `url`.
 */
export function checkDialOptions(_options: ResolvedClientOptions): void {}
