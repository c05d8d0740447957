/**
 * The floor of `pnpm bench:fanout`: the same topology and the same messages with the
 * least work any library could do, to show what bounds the contenders on this machine.
 * A node is a plain `net` server; the publisher writes each round's messages to its own
 * sockets in one write each and publishes the round to Redis once; the other nodes write
 * what Redis brings, as it is, to their sockets (one write each). A message is 16 bytes
 * (`n` and `sentAt` as float64 LE) with no header, codec, class, ack or session; a client
 * reads the float64 at offset 8 of each 16 bytes, and nothing else.
 */
import { once } from 'node:events';
import { createServer, Socket, type AddressInfo } from 'node:net';
import { createClient } from '@redis/client';

/** Bytes of one message on the floor's wire. */
const RECORD_BYTES = 16;
const CHANNEL = 'floor';

/**
 * Starts a floor node on a free port; the publisher's `publish()` sends a round. The
 * publisher does not subscribe: what it publishes, it has written to its sockets already.
 */
export async function floorNode(redisUrl: string, publisher: boolean): Promise<{ port: number; publish(burst: number, from: number, now: () => number): void }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const pub = createClient({ url: redisUrl });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  const writeAll = (round: Buffer): void => {
    for (const socket of sockets) socket.write(round);
  };
  if (!publisher) await sub.subscribe(CHANNEL, writeAll, true);
  return {
    port: (server.address() as AddressInfo).port,
    publish(burst, from, now) {
      const round = Buffer.allocUnsafe(burst * RECORD_BYTES);
      for (let i = 0; i < burst; i++) {
        round.writeDoubleLE(from + i, i * RECORD_BYTES);
        round.writeDoubleLE(now(), i * RECORD_BYTES + 8);
      }
      void pub.publish(CHANNEL, round);
      writeAll(round);
    },
  };
}

/** Connects one floor client; `onTick` gets each message's `sentAt`. */
export async function floorClient(port: number, onTick: (tick: { sentAt: number }) => void): Promise<() => void> {
  const socket = new Socket();
  socket.setNoDelay(true);
  let rest: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    const bytes = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    let at = 0;
    for (; at + RECORD_BYTES <= bytes.length; at += RECORD_BYTES) onTick({ sentAt: bytes.readDoubleLE(at + 8) });
    rest = bytes.subarray(at);
  });
  socket.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  return () => socket.destroy();
}
