import { checkEndpointCodecOptions, DEFAULT_HOST, DEFAULT_PORT, type ConnectionOptions } from '@oon/wire';

/** Milliseconds `connect()` may take, TCP connect and handshake together. @default 10000 */
export const DEFAULT_CONNECT_TIMEOUT = 10_000;

/** Options of {@link OonClient}. */
export interface OonClientOptions extends ConnectionOptions {
  /** Server host. @default '127.0.0.1' */
  host?: string;
  /** Server port. @default 9090 */
  port?: number;
  /** Milliseconds `connect()` may take before it rejects with `Timeout`. @default 10000 */
  connectTimeout?: number;
  /** Credentials sent in the hello, for a server with an `auth` check. */
  token?: string;
}

/** Options with every default filled in. */
export interface ResolvedClientOptions {
  readonly host: string;
  readonly port: number;
  readonly connectTimeout: number;
  readonly token: string | undefined;
  readonly connection: ConnectionOptions;
}

/** Validates and completes client options; throws `TypeError`/`RangeError` on a caller mistake. */
export function resolveClientOptions(options: OonClientOptions = {}): ResolvedClientOptions {
  const { host = DEFAULT_HOST, port = DEFAULT_PORT, connectTimeout = DEFAULT_CONNECT_TIMEOUT, token, ...connection } = options;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`port must be an integer from 1 to 65535, got ${String(port)}`);
  }
  if (typeof host !== 'string' || host === '') throw new TypeError('host must be a non-empty string');
  if (!(connectTimeout > 0)) throw new RangeError(`connectTimeout must be a positive number of milliseconds, got ${String(connectTimeout)}`);
  checkEndpointCodecOptions(connection);
  return Object.freeze({ host, port, connectTimeout, token, connection: Object.freeze(connection) });
}
