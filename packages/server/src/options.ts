import { DEFAULT_HOST, DEFAULT_MAX_CONNECTIONS, DEFAULT_PORT, DEFAULT_RESUME_WINDOW, type ConnectionOptions } from '@oon/wire';
import { checkEndpointCodecOptions, checkLogger, checkLimits, checkSocketPath } from '@oon/wire/internal';
import type { AdapterFactory } from './adapter';
import { resolveWebSocketOptions, type ResolvedWebSocketOptions, type ServerWebSocketOptions } from './websocket-options';

/** Pending connections the kernel queues before `accept`. @default 511, Node's own */
export const DEFAULT_BACKLOG = 511;

/**
 * Connections a server holds in their handshake at once (from every address). A
 * handshake takes a round trip, so 1,000 at once is a flood of new clients (or of
 * silent sockets, each held up to `handshakeTimeout`). @default 1000
 */
export const DEFAULT_MAX_HANDSHAKING = 1_000;

/**
 * Connections a server holds from one remote address (an IPv6 /64), handshaking or
 * open: so that filling `maxConnections` takes ten addresses at least. @default 1000
 */
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1_000;

/**
 * Connections from one remote address (an IPv6 /64) in their handshake at once: one
 * address opening silent sockets is refused past it, and everyone else still gets in.
 * @default 64
 */
export const DEFAULT_MAX_HANDSHAKING_PER_ADDRESS = 64;

/** Sessions a server keeps at once, live or waiting for their client. @default 10000 */
export const DEFAULT_MAX_SESSIONS = 10_000;

/** PEM text or bytes, as `node:tls` takes them. */
export type Pem = string | Buffer;

/** TLS for {@link OonServer}: the server's certificate, and optionally mutual TLS. */
export interface ServerTlsOptions {
  /** The server's private key (PEM). */
  key: Pem;
  /** The server's certificate chain (PEM). */
  cert: Pem;
  /** Certificate authorities that sign client certificates; needed for `mutual`. @default Node's bundled roots */
  ca?: Pem | Pem[];
  /**
   * Mutual TLS: every client must present a certificate signed by `ca`; a client
   * without one (or with another) is refused during the TLS handshake. @default false
   */
  mutual?: boolean;
}

/** Options of {@link OonServer}; the connection options apply to every peer. */
export interface OonServerOptions<Identity extends object = object> extends ConnectionOptions {
  /** Interface to bind. Not with `path`. @default '127.0.0.1' */
  host?: string;
  /** TCP port; 0 picks a free one (read it from `server.address()`). Not with `path`. @default 9090 */
  port?: number;
  /**
   * A Unix domain socket path (a named pipe on Windows) to listen on instead of
   * `host`/`port`. Passing both is a `TypeError`.
   */
  path?: string;
  /** Serve over TLS (`node:tls`) with this certificate; mutual TLS with `mutual: true`. @default plain TCP */
  tls?: ServerTlsOptions;
  /** Kernel accept queue length. @default 511 */
  backlog?: number;
  /**
   * Accept WebSocket clients too (browsers, networks where only HTTP passes): on a port
   * of their own, or on the app's `http`/`https` server at a path (docs/transports.md).
   * @default none
   */
  websocket?: ServerWebSocketOptions;
  /**
   * Listen on `host`/`port` (or `path`) for TCP clients; `false` takes WebSocket
   * clients only (with `websocket`). @default true
   */
  tcp?: boolean;
  /**
   * Connections held at once, handshaking or open. The next one is refused: it gets an
   * Error frame (`BadConn`, "maxConnections … reached") and is closed. @default 10000
   */
  maxConnections?: number;
  /**
   * Connections held at once that have not finished their handshake (hello, `auth`),
   * from every address; the next is refused the same way ("maxHandshaking … in their
   * handshake; try again later"). @default 1000
   */
  maxHandshaking?: number;
  /**
   * Connections held at once from one remote address (IPv4, or an IPv6 /64),
   * handshaking or open; the next from it is refused ("maxConnectionsPerAddress"). Not
   * applied on a Unix socket, whose peers have no address. @default 1000
   */
  maxConnectionsPerAddress?: number;
  /**
   * Connections from one remote address (IPv4, or an IPv6 /64) in their handshake at
   * once; the next from it is refused ("maxHandshakingPerAddress"), so silent sockets
   * from one address cannot keep others out. Not applied on a Unix socket. @default 64
   */
  maxHandshakingPerAddress?: number;
  /**
   * Milliseconds a client's session is kept after its link drops, for the client to
   * reconnect and resume it without loss (docs/reconnect.md). Past it the session is
   * dropped and a `'loss'` event names how many messages never reached the client.
   * `0` grants no sessions. @default 120000 (2 min)
   */
  resumeWindow?: number;
  /**
   * Sessions kept at once (each holds up to its send window while its client is away:
   * `maxBufferedBytes`, at most half of `maxPendingBytes`). When full, the session that
   * has waited longest for its client is ended (reported as `'loss'`), and if none
   * waits, a new client gets a plain connection without one. @default 10000
   */
  maxSessions?: number;
  /**
   * Checks each client's `token` (sent in its hello) before anything else is accepted
   * from it: resolve to `true` to admit, or to an object saying who the client is (its
   * identity, read as `peer.identity` in every handler); anything else refuses. A refused
   * client's `connect()` rejects with
   * `BadConn` ("authentication failed"). No check by default. Each refusal from an
   * address waits longer before it is sent (50 ms, doubling per failure in the last
   * minute, at most 2 s and half of `handshakeTimeout`), so one address cannot guess
   * tokens quickly. Not with protocol
   * `'oon-0.0.5'` (a `TypeError`): the origin's wire has no hello to carry a token; use
   * `tls.mutual` there.
   */
  auth?: AuthCheck<Identity>;
  /**
   * Makes this server one node of a cluster: `redisAdapter({ url })` from `@oon/redis`
   * shares rooms, broadcasts, counts and server-side messages with every server given
   * the same Redis (docs/scaling.md). @default undefined (this process only)
   */
  adapter?: AdapterFactory;
}

/** Where a connecting client comes from, for an {@link AuthCheck}. */
export interface ClientAddress {
  /** The client's IP address (`undefined` over a Unix socket). */
  readonly address: string | undefined;
  /** The client's port (`undefined` over a Unix socket). */
  readonly port: number | undefined;
}

/**
 * Decides whether to admit a client from its token: `true` admits it, an object admits
 * it as that identity (`peer.identity`), `false` refuses it.
 */
export type AuthCheck<Identity extends object = object> = (token: string | undefined, client: ClientAddress) => boolean | Identity | Promise<boolean | Identity>;

/** Options with every default filled in. */
export interface ResolvedServerOptions {
  /** Interface to bind. */
  readonly host: string;
  /** TCP port (0: a free one). */
  readonly port: number;
  /** Set when listening on a Unix socket; `host` and `port` are then unused. */
  readonly path: string | undefined;
  /** TLS, or `undefined` for plain TCP. */
  readonly tls: Readonly<ServerTlsOptions> | undefined;
  /** Kernel accept queue length. */
  readonly backlog: number;
  /** The WebSocket endpoint, if any. */
  readonly websocket: ResolvedWebSocketOptions | undefined;
  /** Whether the TCP (or Unix socket) listener runs. */
  readonly tcp: boolean;
  /** Connections held at once. */
  readonly maxConnections: number;
  /** Connections in their handshake at once. */
  readonly maxHandshaking: number;
  /** Connections from one address at once. */
  readonly maxConnectionsPerAddress: number;
  /** Connections from one address in their handshake at once. */
  readonly maxHandshakingPerAddress: number;
  /** Milliseconds a dropped client's session is kept; 0 grants none. */
  readonly resumeWindow: number;
  /** Sessions kept at once. */
  readonly maxSessions: number;
  /** The token check, if any. */
  readonly auth: AuthCheck | undefined;
  /** The options every peer's connection gets. */
  readonly connection: ConnectionOptions;
  /** What makes the server's adapter, if it spans nodes. */
  readonly adapter: AdapterFactory | undefined;
}

/** Validates and completes server options; throws `TypeError`/`RangeError` on a caller mistake. */
export function resolveServerOptions(options: OonServerOptions = {}): ResolvedServerOptions {
  const {
    host = DEFAULT_HOST,
    port = DEFAULT_PORT,
    path,
    tls,
    backlog = DEFAULT_BACKLOG,
    websocket,
    tcp = true,
    maxConnections = DEFAULT_MAX_CONNECTIONS,
    maxHandshaking = DEFAULT_MAX_HANDSHAKING,
    maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
    maxHandshakingPerAddress = DEFAULT_MAX_HANDSHAKING_PER_ADDRESS,
    resumeWindow = DEFAULT_RESUME_WINDOW,
    maxSessions = DEFAULT_MAX_SESSIONS,
    auth,
    adapter,
    ...connection
  } = options;
  checkSocketPath(options);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  if (typeof host !== 'string' || host === '') throw new TypeError('host must be a non-empty string');
  const slots = { maxConnections, maxHandshaking, maxConnectionsPerAddress, maxHandshakingPerAddress };
  for (const [name, value] of Object.entries(slots)) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  checkLimits(connection);
  if (auth !== undefined && typeof auth !== 'function') throw new TypeError('auth must be a function (token, client) => boolean');
  // The origin's wire has no hello, so no token: `auth` would never run and every client would be admitted.
  if (auth !== undefined && connection.protocol === 'oon-0.0.5') {
    throw new TypeError(
      "auth cannot guard protocol 'oon-0.0.5': the origin's wire has no hello to carry a token, so every client would be admitted. Use TLS client certificates (tls: { mutual: true, ca }) or protocol 'oon'",
    );
  }
  checkEndpointCodecOptions(connection);
  checkLogger(connection.logger);
  if (tls !== undefined) checkServerTls(tls);
  if (adapter !== undefined && typeof adapter !== 'function') throw new TypeError('adapter must be a function (host) => Adapter, such as redisAdapter({ url }) from @oon/redis');
  if (typeof tcp !== 'boolean') throw new TypeError(`tcp must be true or false, got ${String(tcp)}`);
  const resolvedWebSocket = resolveWebSocketOptions(websocket, host);
  if (!tcp && resolvedWebSocket === undefined) throw new TypeError('tcp: false leaves the server nothing to listen on: give the `websocket` option');
  if (!(resumeWindow >= 0)) throw new RangeError(`resumeWindow must be a number of milliseconds, 0 or more, got ${String(resumeWindow)}`);
  if (!Number.isInteger(maxSessions) || maxSessions < 1) throw new RangeError(`maxSessions must be a positive integer, got ${String(maxSessions)}`);
  return Object.freeze({
    host,
    port,
    path,
    tls: tls === undefined ? undefined : Object.freeze({ ...tls }),
    backlog,
    websocket: resolvedWebSocket,
    tcp,
    ...slots,
    resumeWindow,
    maxSessions,
    auth,
    adapter,
    connection: Object.freeze(connection),
  });
}

function checkServerTls(tls: ServerTlsOptions): void {
  if (typeof tls !== 'object' || tls === null) throw new TypeError('tls must be an object { key, cert, ca?, mutual? }');
  if (tls.key === undefined || tls.cert === undefined) throw new TypeError('tls needs the server\'s `key` and `cert` (PEM)');
  if (tls.mutual === true && tls.ca === undefined) {
    throw new TypeError('tls.mutual needs `ca`: the authority that signs the client certificates to accept');
  }
}
