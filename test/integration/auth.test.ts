/**
 * The server's `auth` check: a client's `token` travels in its hello, and the server
 * admits or refuses it before a single message of that client is accepted.
 */
import { NetMessage, OonError } from '@oon/core';
import { encodeFrame, FrameKind, JsonCodec } from '@oon/wire';
import { VolvoCar } from '../../examples/cars/src/cars';
import { OonServer } from '@oon/server';
import { harness, helloFrame, nextEvent, within } from '../support/harness';

const h = harness();
afterEach(() => h.closeAll());

describe('OonServer auth', () => {
  it('admits a client whose token passes, and gives the check its token and address', async () => {
    const seen: Array<[string | undefined, string | undefined]> = [];
    const { server, port } = await h.listeningServer<VolvoCar>({
      auth: async (token, client) => {
        seen.push([token, client.address]);
        return token === 'sesame';
      },
    });
    const client = await h.connectedClient(port, { token: 'sesame' });
    const arrived = nextEvent(server, 'message');

    await client.send(new VolvoCar(12, 4));

    const [car] = await arrived;
    expect(car).toBeInstanceOf(VolvoCar);
    expect(car.speed).toBe(12);
    expect(seen).toEqual([['sesame', '127.0.0.1']]);
  });

  it('refuses a wrong token: connect() rejects with BadConn saying so, and no peer is made', async () => {
    const { server, port } = await h.listeningServer({ auth: (token) => token === 'sesame' });
    const connections: unknown[] = [];
    server.on('connection', (peer) => connections.push(peer));
    const client = h.client(port, { token: 'guess' });

    const err = await client.connect().catch((e: unknown) => e);

    expect(err).toBeInstanceOf(OonError);
    expect((err as OonError).code).toBe('BadConn');
    expect((err as OonError).message).toMatch(/authentication failed: the token was refused/);
    expect(client.connected).toBe(false);
    expect(connections).toEqual([]);
    expect(server.peers.size).toBe(0);
  });

  it('tells a client without a token to pass one', async () => {
    const { port } = await h.listeningServer({ auth: () => false });
    const err = await h.client(port).connect().catch((e: unknown) => e);

    expect((err as OonError).code).toBe('BadConn');
    expect((err as OonError).message).toMatch(/no token given; pass `token` to OonClient/);
  });

  it('refuses a client whose check throws, naming the failure, and keeps serving others', async () => {
    const { server, port } = await h.listeningServer<VolvoCar>({
      auth: (token) => {
        if (token === 'boom') throw new Error('token store is down');
        return true;
      },
    });
    const err = await h.client(port, { token: 'boom' }).connect().catch((e: unknown) => e);
    expect((err as OonError).code).toBe('BadConn');
    expect((err as OonError).message).toMatch(/could not check the token/);

    const good = await h.connectedClient(port, { token: 'fine' });
    const arrived = nextEvent(server, 'message');
    await good.send(new VolvoCar(3, 4));
    expect((await arrived)[0]).toBeInstanceOf(VolvoCar);
  });

  it('never handles a message sent behind a refused hello', async () => {
    const { server, port } = await h.listeningServer({ auth: () => false });
    const messages: unknown[] = [];
    server.on('message', (object) => messages.push(object));
    const raw = await h.rawPeer(port);
    const payload = new JsonCodec().encode(new NetMessage(new VolvoCar(1, 1)));

    await raw.write(Buffer.concat([helloFrame(), encodeFrame(FrameKind.Message, payload)]));
    await within(1_000, raw.closed, 'the refused peer being dropped');

    expect(messages).toEqual([]);
  });

  it("refuses auth on the origin's wire at construction (TypeError): it has no hello to carry a token, so auth would never run", () => {
    expect(() => new OonServer({ port: 0, protocol: 'oon-0.0.5', auth: () => false })).toThrow(
      new TypeError(
        "auth cannot guard protocol 'oon-0.0.5': the origin's wire has no hello to carry a token, so every client would be admitted. Use TLS client certificates (tls: { mutual: true, ca }) or protocol 'oon'",
      ),
    );
  });
});
