import { checkEndpointCodecOptions, DEFAULT_HOST, DEFAULT_PORT, type ConnectionOptions } from '@oon/wire';

/** Pending connections the kernel queues before `accept`. @default 511, Node's own */
export const DEFAULT_BACKLOG = 511;

/** Options of {@link OonServer}; the connection options apply to every peer. */
export interface OonServerOptions extends ConnectionOptions {
  /** Interface to bind. @default '127.0.0.1' */
  host?: string;
  /** TCP port; 0 picks a free one (read it from `server.address()`). @default 9090 */
  port?: number;
  /** Kernel accept queue length. @default 511 */
  backlog?: number;
  /**
   * Checks each client's `token` (sent in its hello) before anything else is accepted
   * from it: resolve to `true` to admit. A refused client's `connect()` rejects with
   * `BadConn` ("authentication failed"). No check by default.
   */
  auth?: AuthCheck;
}

/** Where a connecting client comes from, for an {@link AuthCheck}. */
export interface ClientAddress {
  readonly address: string | undefined;
  readonly port: number | undefined;
}

/** Decides whether to admit a client from its token. */
export type AuthCheck = (token: string | undefined, client: ClientAddress) => boolean | Promise<boolean>;

/** Options with every default filled in. */
export interface ResolvedServerOptions {
  readonly host: string;
  readonly port: number;
  readonly backlog: number;
  readonly auth: AuthCheck | undefined;
  readonly connection: ConnectionOptions;
}

/** Validates and completes server options; throws `TypeError`/`RangeError` on a caller mistake. */
export function resolveServerOptions(options: OonServerOptions = {}): ResolvedServerOptions {
  const { host = DEFAULT_HOST, port = DEFAULT_PORT, backlog = DEFAULT_BACKLOG, auth, ...connection } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  if (typeof host !== 'string' || host === '') throw new TypeError('host must be a non-empty string');
  if (auth !== undefined && typeof auth !== 'function') throw new TypeError('auth must be a function (token, client) => boolean');
  checkEndpointCodecOptions(connection);
  return Object.freeze({ host, port, backlog, auth, connection: Object.freeze(connection) });
}
