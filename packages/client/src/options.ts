import { DEFAULT_HOST, DEFAULT_PORT, type ConnectionOptions, type RequestOptions } from '@oon/wire';
import { checkEndpointCodecOptions, checkLogger, checkLimits, checkSocketPath } from '@oon/wire/internal';
import { resolveReconnectOptions, type ReconnectOptions, type ResolvedReconnectOptions } from './backoff';

/** Milliseconds `connect()` may take, TCP connect and handshake together. @default 10000 */
export const DEFAULT_CONNECT_TIMEOUT = 10_000;

/** PEM text or bytes, as `node:tls` takes them. */
export type Pem = string | Buffer;

/** TLS for {@link OonClient}: whom to trust, and the client's own certificate for mutual TLS. */
export interface ClientTlsOptions {
  /** Authorities that sign the server's certificate (a private CA, a self-signed cert). @default Node's bundled roots */
  ca?: Pem | Pem[];
  /** The client's private key (PEM), for a server that asks for mutual TLS; with `cert`. */
  key?: Pem;
  /** The client's certificate chain (PEM), for a server that asks for mutual TLS; with `key`. */
  cert?: Pem;
  /** The name the server's certificate must carry (SNI). @default `host`, unless it is an IP address */
  servername?: string;
}

/**
 * One address a client may dial: TCP `host`/`port`, a Unix socket `path`, or a WebSocket
 * `url`, each as the client's own options of those names take them.
 */
export interface ClientEndpoint {
  /** Server host. Not with `path` or `url`. @default '127.0.0.1' */
  host?: string;
  /** Server port. Not with `path` or `url`. @default 9090 */
  port?: number;
  /** A Unix domain socket path. */
  path?: string;
  /** A WebSocket URL (`ws://…`, `wss://…`). */
  url?: string;
}

/** A {@link ClientEndpoint} with its defaults filled in. */
export interface ResolvedEndpoint {
  /** Host to dial. */
  readonly host: string;
  /** TCP port to dial. */
  readonly port: number;
  /** Set when dialing a Unix socket. */
  readonly path: string | undefined;
  /** Set when dialing a WebSocket. */
  readonly url: string | undefined;
}

/** Options of {@link OonClient}. */
export interface OonClientOptions extends ConnectionOptions {
  /** Server host. Not with `path`. @default '127.0.0.1' */
  host?: string;
  /** Server port. Not with `path`. @default 9090 */
  port?: number;
  /** A Unix domain socket path (a named pipe on Windows) to dial instead of `host`/`port`. Passing both is a `TypeError`. */
  path?: string;
  /**
   * Connect over WebSocket instead of TCP: `'ws://host:port/path'`, or `'wss://…'` (TLS,
   * verified with `tls.ca` when the server's certificate is private). Not with
   * `host`/`port`/`path`. For networks where only HTTP(S) passes, or a server that
   * shares a port with an HTTP app (docs/transports.md).
   */
  url?: string;
  /**
   * Several servers to dial instead of one (the nodes of a cluster, docs/scaling.md):
   * `connect()` tries them in turn, and each failed attempt to reconnect moves on to the
   * next, so a client whose node dies reconnects to another and resumes its session
   * there. Not with `host`, `port`, `path` or `url`.
   */
  endpoints?: readonly ClientEndpoint[];
  /** Speak TLS (`node:tls`); the server's certificate must verify against `ca`. With a `wss://` url, what verifies it. @default plain TCP */
  tls?: ClientTlsOptions;
  /** Milliseconds `connect()` may take before it rejects with `Timeout`. @default 10000 */
  connectTimeout?: number;
  /** Credentials sent in the hello, for a server with an `auth` check. */
  token?: string;
  /**
   * Reconnect by itself after the link drops, resuming the session so nothing is lost
   * or repeated (docs/reconnect.md); `false` turns it off. Exponential backoff with full
   * jitter from `initialDelay` to `maxDelay`. @default { initialDelay: 100, maxDelay: 30000, maxAttempts: Infinity }
   */
  reconnect?: boolean | ReconnectOptions;
  /**
   * What `request()` does while the client is reconnecting: wait for the link to come
   * back (within the request's own `timeout`; it is then sent once, on the new link), or,
   * with `false`, reject at once with `BadConn` saying the link is being reconnected.
   * Waiting is the default because the request has not been sent yet, so waiting cannot
   * run it twice, a reconnect usually takes far less than a request's timeout, and
   * `send()` holds messages the same way. A request already sent when the link drops
   * still rejects (whether the server ran it is unknown). Each request can override it.
   * @default true
   */
  waitForReconnect?: boolean;
}

/** Options of {@link OonClient.request}: those of every request, and what to do while reconnecting. */
export interface ClientRequestOptions<R extends object = object> extends RequestOptions<R> {
  /** Overrides the client's {@link OonClientOptions.waitForReconnect} for this request. */
  waitForReconnect?: boolean;
}

/** Options with every default filled in. */
export interface ResolvedClientOptions {
  /** Host to dial. */
  readonly host: string;
  /** TCP port to dial. */
  readonly port: number;
  /** Set when dialing a Unix socket; `host` and `port` are then unused. */
  readonly path: string | undefined;
  /** Set when dialing a WebSocket (`ws://`, `wss://`); `host`, `port` and `path` are then unused. */
  readonly url: string | undefined;
  /** Where the client dials, in turn: the `endpoints` option, or the one address of `host`/`port`, `path` or `url`. `host`, `port`, `path` and `url` are the first's. */
  readonly endpoints: readonly ResolvedEndpoint[];
  /** TLS, or `undefined` for plain TCP. */
  readonly tls: Readonly<ClientTlsOptions> | undefined;
  /** Milliseconds `connect()` may take, TCP connect and handshake together. */
  readonly connectTimeout: number;
  /** The token sent in the hello for the server's `auth` check. */
  readonly token: string | undefined;
  /** `undefined` when reconnecting is off. */
  readonly reconnect: ResolvedReconnectOptions | undefined;
  /** Whether a `request()` made while reconnecting waits for the link by default. */
  readonly waitForReconnect: boolean;
  /** The options the connection gets. */
  readonly connection: ConnectionOptions;
}

/** Validates and completes client options; throws `TypeError`/`RangeError` on a caller mistake. */
export function resolveClientOptions(options: OonClientOptions = {}): ResolvedClientOptions {
  const {
    endpoints: given,
    host: _host,
    port: _port,
    path: _path,
    url: _url,
    tls,
    connectTimeout = DEFAULT_CONNECT_TIMEOUT,
    token,
    reconnect,
    waitForReconnect = true,
    ...connection
  } = options;
  const endpoints = resolveEndpoints(options, given);
  const [{ host, port, path, url }] = endpoints as [ResolvedEndpoint];
  checkLimits(connection);
  if (!(connectTimeout > 0)) throw new RangeError(`connectTimeout must be a positive number of milliseconds, got ${String(connectTimeout)}`);
  checkEndpointCodecOptions(connection);
  checkLogger(connection.logger);
  if (typeof waitForReconnect !== 'boolean') throw new TypeError(`waitForReconnect must be true or false, got ${String(waitForReconnect)}`);
  if (tls !== undefined) {
    if (typeof tls !== 'object' || tls === null) throw new TypeError('tls must be an object { ca?, key?, cert?, servername? }');
    if ((tls.key === undefined) !== (tls.cert === undefined)) throw new TypeError('tls needs both `key` and `cert` for a client certificate, or neither');
  }
  return Object.freeze({
    host,
    port,
    path,
    url,
    endpoints,
    tls: tls === undefined ? undefined : Object.freeze({ ...tls }),
    connectTimeout,
    token,
    // The origin's wire has no sessions: nothing could be resumed, so it never reconnects.
    reconnect: connection.protocol === 'oon-0.0.5' ? undefined : resolveReconnectOptions(reconnect),
    waitForReconnect,
    connection: Object.freeze(connection),
  });
}

/** The addresses to dial: each of `endpoints`, else the one the options give; `TypeError`/`RangeError` for a mistake. */
function resolveEndpoints(options: OonClientOptions, given: readonly ClientEndpoint[] | undefined): readonly ResolvedEndpoint[] {
  if (given === undefined) return Object.freeze([resolveEndpoint(options)]);
  if (!Array.isArray(given) || given.length === 0) throw new TypeError('endpoints must be a non-empty array of { host, port }, { path } or { url }');
  if (options.host !== undefined || options.port !== undefined || options.path !== undefined || options.url !== undefined) {
    throw new TypeError('pass either `endpoints` or `host`/`port`/`path`/`url`, not both');
  }
  return Object.freeze(
    given.map((endpoint, i) => {
      if (typeof endpoint !== 'object' || endpoint === null) throw new TypeError(`endpoints[${i}] must be an object such as { host, port }`);
      return resolveEndpoint(endpoint);
    }),
  );
}

/** One address, its defaults filled in. */
function resolveEndpoint(endpoint: ClientEndpoint): ResolvedEndpoint {
  const { host = DEFAULT_HOST, port = DEFAULT_PORT, path, url } = endpoint;
  checkSocketPath(endpoint);
  checkUrl(endpoint);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`port must be an integer from 1 to 65535, got ${String(port)}`);
  }
  if (typeof host !== 'string' || host === '') throw new TypeError('host must be a non-empty string');
  return Object.freeze({ host, port, path, url });
}

/** Checks the `url` option: a `ws:` or `wss:` URL, not given with `host`, `port` or `path`. */
function checkUrl(options: ClientEndpoint): void {
  const { url } = options;
  if (url === undefined) return;
  if (typeof url !== 'string') throw new TypeError(`url must be a string such as 'ws://host:port/path', got ${String(url)}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`url must be a WebSocket URL such as 'ws://host:port/path', got ${url}`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new TypeError(`url must start with ws:// or wss:// (OON over WebSocket), got ${url}; for TCP give host and port instead`);
  }
  if (options.host !== undefined || options.port !== undefined || options.path !== undefined) {
    throw new TypeError('pass either `url` (a WebSocket) or `host`/`port`/`path` (TCP, a Unix socket), not both');
  }
}
