/**
 * The floor a user could write by hand: raw `net`, one JSON document per line, a burst
 * joined into one write, revived by a hand-written mapping. Requests carry an id.
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { reviveTruck } from './revive';
import type { TransportContender } from './transport';

/** Calls `onLine` with each complete line of a socket's text. */
function readLines(socket: Socket, onLine: (line: string) => void): void {
  let rest = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    let start = 0;
    let end = chunk.indexOf('\n');
    if (end === -1) {
      rest += chunk;
      return;
    }
    onLine(rest + chunk.slice(0, end));
    start = end + 1;
    while ((end = chunk.indexOf('\n', start)) !== -1) {
      onLine(chunk.slice(start, end));
      start = end + 1;
    }
    rest = chunk.slice(start);
  });
}

interface Envelope {
  id?: number;
  body: unknown;
}

export const rawNetTransport: TransportContender = {
  name: 'raw net + JSON lines',
  async serve(onMessage) {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      readLines(socket, (line) => {
        const envelope = JSON.parse(line) as Envelope;
        const truck = reviveTruck(envelope.body);
        if (envelope.id === undefined) onMessage(truck);
        else socket.write(`${JSON.stringify({ id: envelope.id, body: truck })}\n`);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return {
      port: (server.address() as AddressInfo).port,
      close: () => {
        for (const socket of sockets) socket.destroy();
        return new Promise((resolve) => server.close(() => resolve()));
      },
    };
  },
  async connect(port) {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.setNoDelay(true);
    const pending = new Map<number, (object: object) => void>();
    let nextId = 0;
    readLines(socket, (line) => {
      const envelope = JSON.parse(line) as Envelope;
      const resolve = pending.get(envelope.id as number);
      pending.delete(envelope.id as number);
      resolve?.(reviveTruck(envelope.body));
    });
    return {
      sendBurst(object, count) {
        let text = '';
        for (let i = 0; i < count; i++) text += `${JSON.stringify({ body: object })}\n`;
        return new Promise((resolve, reject) => socket.write(text, (err) => (err ? reject(err) : resolve())));
      },
      request(object) {
        const id = nextId++;
        return new Promise((resolve) => {
          pending.set(id, resolve);
          socket.write(`${JSON.stringify({ id, body: object })}\n`);
        });
      },
      close: () => new Promise((resolve) => socket.end(() => resolve())),
    };
  },
};
