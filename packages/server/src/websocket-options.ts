import type { IncomingMessage, Server as HttpServer } from 'node:http';

/**
 * Decides whether a browser page from `origin` (the upgrade request's `Origin` header,
 * `undefined` when it sent none, as non-browser clients do) may connect.
 */
export type OriginCheck = (origin: string | undefined, request: IncomingMessage) => boolean;

/**
 * OON over WebSocket (docs/transports.md, "WebSocket"): on a port of its own (`port`),
 * or sharing an `http`/`https` server the app already runs (`server`), at `path`. The
 * same handshake, codecs, sessions, requests, limits and auth as over TCP.
 */
export interface ServerWebSocketOptions {
  /**
   * Listen for WebSocket clients on this port of their own (0 picks a free one; read it
   * from `server.websocketAddress()`), with `tls` when the server has it (wss). Not with `server`.
   */
  port?: number;
  /** Interface the own port binds. @default the server's `host` */
  host?: string;
  /**
   * An `http.Server` or `https.Server` (for wss) the app runs: OON answers the upgrades
   * to `path` on it and leaves every other request and upgrade to the app. The app
   * listens and closes it; `server.close()` only stops answering. Not with `port`.
   */
  server?: HttpServer;
  /** The URL path OON answers at (the query string is ignored). @default '/' */
  path?: string;
  /**
   * Which pages may connect, by the `Origin` header browsers send: a list of allowed
   * origins (`'https://app.example.com'`), or a function. A refused upgrade gets HTTP 403
   * saying why. A client that sends no `Origin` (not a browser) is let through by a list,
   * since the header only protects users' browsers. @default every origin
   */
  origin?: readonly string[] | OriginCheck;
  /**
   * Take the client's address from the `X-Forwarded-For` header's last entry (what the
   * proxy in front of OON saw) rather than from the TCP connection, for the per-address
   * limits, `auth` and `peer.address`. Only behind a proxy you run: the header is
   * anyone's to write. @default false
   */
  trustProxy?: boolean;
}

/** The WebSocket options with defaults filled in. */
export interface ResolvedWebSocketOptions {
  /** The own port, or `undefined` when attached to `server`. */
  readonly port: number | undefined;
  /** Interface the own port binds. */
  readonly host: string;
  /** The app's server OON shares, or `undefined` with a port of its own. */
  readonly server: HttpServer | undefined;
  /** The URL path OON answers at. */
  readonly path: string;
  /** The `Origin` check (a list made into one), or `undefined` for every origin. */
  readonly origin: OriginCheck | undefined;
  /** Whether the client's address comes from `X-Forwarded-For`. */
  readonly trustProxy: boolean;
}

/** Validates the `websocket` option; throws `TypeError`/`RangeError` on a caller mistake. */
export function resolveWebSocketOptions(options: ServerWebSocketOptions | undefined, host: string): ResolvedWebSocketOptions | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) throw new TypeError('websocket must be an object { port } or { server }, with path?, origin?, trustProxy?');
  const { port, server, path = '/', origin, trustProxy = false } = options;
  if ((port === undefined) === (server === undefined)) {
    throw new TypeError('websocket needs either `port` (a port of its own) or `server` (an http/https server to share), not both');
  }
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new RangeError(`websocket.port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  if (server !== undefined && (typeof server !== 'object' || typeof server.on !== 'function')) {
    throw new TypeError('websocket.server must be an http.Server or https.Server');
  }
  if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError(`websocket.path must be a string starting with '/', got ${String(path)}`);
  if (typeof trustProxy !== 'boolean') throw new TypeError(`websocket.trustProxy must be true or false, got ${String(trustProxy)}`);
  return Object.freeze({
    port,
    host: options.host ?? host,
    server,
    path,
    origin: originCheck(origin),
    trustProxy,
  });
}

function originCheck(origin: ServerWebSocketOptions['origin']): OriginCheck | undefined {
  if (origin === undefined || typeof origin === 'function') return origin;
  if (!Array.isArray(origin) || !origin.every((o) => typeof o === 'string')) {
    throw new TypeError('websocket.origin must be a list of origins (strings) or a function (origin, request) => boolean');
  }
  const allowed = new Set(origin);
  return (sent) => sent === undefined || allowed.has(sent);
}
