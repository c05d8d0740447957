/**
 * OON itself: OonServer in the child, OonClient in the parent, decorators only, with either
 * codec. With the defaults, so with a resumable session (docs/reconnect.md): what a user
 * gets. A burst that runs more than `maxBufferedBytes` ahead of the receiver's acks waits
 * for them (it used to fail with `BadConn`, and this ran with `reconnect: false`).
 */
import { OonClient } from '@oon/client';
import { OonServer } from '@oon/server';
import { FordTruck } from '../model';
import type { TransportContender } from './transport';

function oonTransport(codec: 'binary' | 'json'): TransportContender {
  return {
    name: `OON (${codec})`,
    async serve(onMessage) {
      const server = new OonServer({ host: '127.0.0.1', port: 0, codec });
      server.on('message', (object) => onMessage(object));
      server.handle(FordTruck, (truck) => truck);
      const address = await server.listen();
      return { port: address.port, close: () => server.close() };
    },
    async connect(port) {
      const client = new OonClient({ host: '127.0.0.1', port, codec });
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
export const oonJsonTransport = oonTransport('json');
