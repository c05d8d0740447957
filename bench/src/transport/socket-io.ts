/**
 * socket.io over its WebSocket transport: one `emit` per object, requests as emits with
 * an acknowledgement; what arrives is revived by the hand-written mapping.
 */
import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { reviveTruck } from './revive';
import type { TransportContender } from './transport';

export const socketIoTransport: TransportContender = {
  name: 'socket.io',
  async serve(onMessage) {
    const http: HttpServer = createServer();
    const server = new Server(http, { transports: ['websocket'] });
    server.on('connection', (socket) => {
      socket.on('truck', (body: unknown) => onMessage(reviveTruck(body)));
      socket.on('request', (body: unknown, ack: (reply: object) => void) => ack(reviveTruck(body)));
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    return {
      port: (http.address() as AddressInfo).port,
      close: () => new Promise((resolve) => void server.close(() => resolve())),
    };
  },
  async connect(port) {
    const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const engine = socket.io.engine;
    return {
      async sendBurst(object, count) {
        for (let i = 0; i < count; i++) socket.emit('truck', object);
        // engine.io buffers what the socket cannot take yet; wait for it to drain.
        if (engine.writeBuffer.length > 0) await new Promise<void>((resolve) => engine.once('drain', () => resolve()));
        else await new Promise((resolve) => setImmediate(resolve));
      },
      request: (object) => new Promise((resolve) => socket.emit('request', object, (reply: unknown) => resolve(reviveTruck(reply)))),
      async close() {
        socket.disconnect();
      },
    };
  },
};
