/**
 * OON itself: OonServer in the child, OonClient in the parent, decorators only, with either
 * codec. With the defaults, so with a resumable session (docs/reconnect.md): what a user
 * gets. A burst that runs more than `maxBufferedBytes` ahead of the receiver's acks waits
 * for them (it used to fail with `BadConn`, and this ran with `reconnect: false`). A second
 * binary line runs without the session, to show what it costs.
 */
import { OonClient } from '@oon/client';
import { OonServer } from '@oon/server';
import { FordTruck } from '../model';
import type { TransportContender } from './transport';

/**
 * `session: false` runs the client with `reconnect: false`: no seqs, acks or resend
 * buffer, as the other transports. `websocket: true` runs OON over WebSocket (the
 * server's `websocket` option, the client's `url`), beside ws + JSON and socket.io.
 */
function oonTransport(codec: 'binary' | 'json', session = true, websocket = false): TransportContender {
  const over = websocket ? ', WebSocket' : session ? '' : ', no session';
  return {
    name: `OON (${codec}${over})`,
    async serve(onMessage) {
      const server = new OonServer(websocket ? { tcp: false, websocket: { host: '127.0.0.1', port: 0 }, codec } : { host: '127.0.0.1', port: 0, codec });
      server.on('message', (object) => onMessage(object));
      server.handle(FordTruck, (truck) => truck);
      const address = await server.listen();
      return { port: address.port, close: () => server.close() };
    },
    async connect(port) {
      const where = websocket ? { url: `ws://127.0.0.1:${port}/` } : { host: '127.0.0.1', port };
      const client = new OonClient({ ...where, codec, reconnect: session });
      await client.connect();
      return {
        sendBurst(object, count) {
          let last: Promise<void> = Promise.resolve();
          for (let i = 0; i < count; i++) last = client.send(object);
          return last;
        },
        request: (object) => client.request(object),
        close: () => client.close(),
      };
    },
  };
}

export const oonBinaryTransport = oonTransport('binary');
/** OON binary without the resumable session: what the session costs, beside the default. */
export const oonBinaryNoSessionTransport = oonTransport('binary', false);
export const oonJsonTransport = oonTransport('json');
/** OON binary over WebSocket, with its session: what a browser's link would carry, measured Node to Node. */
export const oonBinaryWebSocketTransport = oonTransport('binary', true, true);
