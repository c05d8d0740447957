/**
 * A server that broadcasts numbered chunks to every client, paced by the clients that
 * keep up: after each broadcast it waits for one client's `Got`. The test stops one
 * client with SIGSTOP; the server must evict it as a slow consumer, keep its memory
 * bounded, and go on for the others. `node dist/broadcaster.js '<OonServerOptions JSON>'`.
 */
import type { Peer } from '@oon/server';
import { OonServer, type BroadcastResult, type OonServerOptions } from '@oon/server';
import { Chunk, Got } from './classes';
import { errorReport, onCommand, optionsArgument, report, reportSettled, type BroadcastTotals, type Command } from './report';

/** Milliseconds to wait for a reader's `Got` before giving up the run. */
const GOT_TIMEOUT_MS = 10_000;

const server = new OonServer({ host: '127.0.0.1', port: 0, ...optionsArgument<OonServerOptions>() });
const got = new Map<number, () => void>();
server.onMessage(Got, ({ n }) => got.get(n)?.());
server.on('connection', (peer) => report({ kind: 'connection', port: peer.port ?? 0 }));
server.on('error', (err, peer) => report({ kind: 'error', ...(peer?.port === undefined ? {} : { port: peer.port }), error: errorReport(err) }));
server.on('disconnect', (peer, reason) => report({ kind: 'disconnect', port: peer.port ?? 0, reason }));
server.on('loss', (count, peer) => report({ kind: 'loss', port: peer.port ?? 0, count }));

/** Resolves when a reader says it got chunk `n`. */
function gotChunk(n: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reader got chunk ${n} within ${GOT_TIMEOUT_MS} ms`)), GOT_TIMEOUT_MS);
    got.set(n, () => {
      clearTimeout(timer);
      got.delete(n);
      resolve();
    });
  });
}

function add(totals: BroadcastTotals, result: BroadcastResult): void {
  totals.delivered += result.delivered;
  totals.evicted += result.evicted;
  totals.failed += result.failed;
}

async function broadcast(command: Extract<Command, { kind: 'broadcast' }>): Promise<void> {
  const stuck = [...server.peers].find((peer: Peer) => peer.port === command.stuckPort);
  const body = 'x'.repeat(command.bytes);
  const totals: BroadcastTotals = { delivered: 0, evicted: 0, failed: 0 };
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  for (let n = 0; n < command.count; n++) {
    const delivered = gotChunk(n);
    const chunk = new Chunk(n, body);
    if (command.dropPromises) {
      void server.broadcast(chunk);
      // And a send to the stuck peer whose promise no one handles either.
      if (stuck !== undefined) void stuck.send(new Got(n));
    } else {
      add(totals, await server.broadcast(chunk));
      // Once the stuck peer's window is full, a small send waits for acks that never come:
      // awaited, it must settle when the peer is evicted.
      if (n === 0 && stuck !== undefined) reportSettled('send to the stuck peer', stuck.send(new Got(-1)));
    }
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    await delivered;
  }
  report({ kind: 'done', totals, rssBefore, rssPeak, peers: server.peers.size });
}

onCommand((command) => {
  if (command.kind === 'broadcast') {
    broadcast(command).catch((err: unknown) => report({ kind: 'error', error: errorReport(err) }));
  }
});

void server.listen().then(({ port }) => report({ kind: 'listening', port }));
