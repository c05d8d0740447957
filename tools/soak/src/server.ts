/**
 * The soak's server, in a process of its own so its memory is measured alone: an echo
 * server with small limits, so hostile peers are dropped within the run.
 */
import { OonServer } from '@oon/server';
import { Chat } from './chat';

/** Messages between the soak's two processes. */
export type ServerReport =
  | { kind: 'listening'; port: number }
  | { kind: 'stats'; rss: number; heapUsed: number; arrayBuffers: number; peers: number; echoed: number; errors: Record<string, number>; disconnects: Record<string, number> };

/** Limits the soak's server runs with (small, so hostile peers are dropped within the run). */
export const SOAK_SERVER_LIMITS = {
  partialFrameTimeout: 2_000,
  handshakeTimeout: 2_000,
  pingInterval: 1_000,
  pongTimeout: 2_000,
  maxPendingBytes: 256 * 1024,
  closeGrace: 2_000,
} as const;

/** Milliseconds the server's request handler takes (a slow one), for the `request flood` peers. */
const HANDLER_MS = Number(process.env['SOAK_HANDLER_MS'] ?? 2_000);
/** Overrides the server's maxRequestsInFlight (default 256), to compare runs. */
const MAX_REQUESTS_IN_FLIGHT = process.env['SOAK_MAX_REQUESTS_IN_FLIGHT'];

function count(table: Record<string, number>, key: string): void {
  table[key] = (table[key] ?? 0) + 1;
}

/** Runs the server until the parent says `stop`; reports stats when asked. */
export async function runServer(): Promise<void> {
  const send = (report: ServerReport): void => void process.send?.(report);
  const server = new OonServer({
    host: '127.0.0.1',
    port: 0,
    ...SOAK_SERVER_LIMITS,
    // Every soak client, honest or hostile, comes from 127.0.0.1: the per-address bounds
    // would turn the crowd away as one host.
    maxConnectionsPerAddress: 100_000,
    maxHandshakingPerAddress: 100_000,
    ...(MAX_REQUESTS_IN_FLIGHT === undefined ? {} : { maxRequestsInFlight: Number(MAX_REQUESTS_IN_FLIGHT) }),
  });
  const errors: Record<string, number> = {};
  const disconnects: Record<string, number> = {};
  let echoed = 0;
  server.on('error', (err) => count(errors, err.code));
  server.on('disconnect', (_peer, reason) => count(disconnects, reason));
  server.handle(Chat, (chat) => new Promise<Chat>((resolve) => setTimeout(() => resolve(chat), HANDLER_MS)));
  server.on('message', (object, peer) => {
    echoed++;
    peer.send(object).catch(() => {});
  });
  const stats = (): ServerReport => {
    // With SOAK_GC=1 (the server then runs with --expose-gc), sample after a full collection:
    // what is left is what is really held.
    (globalThis as { gc?: () => void }).gc?.();
    const { rss, heapUsed, arrayBuffers } = process.memoryUsage();
    return { kind: 'stats', rss, heapUsed, arrayBuffers, peers: server.peers.size, echoed, errors: { ...errors }, disconnects: { ...disconnects } };
  };
  process.on('message', (command: string) => {
    if (command === 'stats') send(stats());
    if (command === 'stop') {
      void server.close().then(() => {
        send(stats());
        process.disconnect?.();
      });
    }
  });
  const { port } = await server.listen();
  send({ kind: 'listening', port });
}
