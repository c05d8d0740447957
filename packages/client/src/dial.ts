import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { BadConnError } from '@oon/core';
import type { ResolvedClientOptions } from './options';

/** Dials the configured transport: a Unix socket, TLS, or plain TCP. */
export function openSocket(options: ResolvedClientOptions): Socket {
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
export function socketConnected(socket: Socket, secure: boolean, where: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    socket.once(secure ? 'secureConnect' : 'connect', resolve);
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const failure =
        secure && !socket.connecting
          ? `TLS handshake with ${where} failed (${err.code ?? err.message}): ${err.message}; check tls.ca (and tls.key/cert if the server asks for a client certificate)`
          : `cannot connect to ${where} (${err.code ?? err.message}); is the server running?`;
      reject(new BadConnError(failure, { cause: err }));
    });
  });
}
