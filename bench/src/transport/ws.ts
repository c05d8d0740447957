/** ws: one WebSocket text message per object, JSON, revived by the hand-written mapping. */
import { once } from 'node:events';
import { WebSocket, WebSocketServer } from 'ws';
import { reviveTruck } from './revive';
import type { TransportContender } from './transport';

interface Envelope {
  id?: number;
  body: unknown;
}

export const wsTransport: TransportContender = {
  name: 'ws + JSON',
  async serve(onMessage) {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (socket) => {
      socket.on('message', (data) => {
        const envelope = JSON.parse(String(data)) as Envelope;
        const truck = reviveTruck(envelope.body);
        if (envelope.id === undefined) onMessage(truck);
        else socket.send(JSON.stringify({ id: envelope.id, body: truck }));
      });
    });
    await once(server, 'listening');
    return {
      port: (server.address() as { port: number }).port,
      close: () => {
        for (const socket of server.clients) socket.terminate();
        return new Promise((resolve) => server.close(() => resolve()));
      },
    };
  },
  async connect(port) {
    const socket = new WebSocket(`ws://127.0.0.1:${port}`);
    await once(socket, 'open');
    const pending = new Map<number, (object: object) => void>();
    let nextId = 0;
    socket.on('message', (data) => {
      const envelope = JSON.parse(String(data)) as Envelope;
      const resolve = pending.get(envelope.id as number);
      pending.delete(envelope.id as number);
      resolve?.(reviveTruck(envelope.body));
    });
    return {
      sendBurst(object, count) {
        for (let i = 1; i < count; i++) socket.send(JSON.stringify({ body: object }));
        // The last one's callback fires once it (and so all before it) is written.
        return new Promise((resolve, reject) => socket.send(JSON.stringify({ body: object }), (err) => (err ? reject(err) : resolve())));
      },
      request(object) {
        const id = nextId++;
        return new Promise((resolve) => {
          pending.set(id, resolve);
          socket.send(JSON.stringify({ id, body: object }));
        });
      },
      async close() {
        socket.close();
        await once(socket, 'close');
      },
    };
  },
};
