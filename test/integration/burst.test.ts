/**
 * Bursts: many sends in one tick go out joined into few socket writes (FrameWriter);
 * what the peer sees must not change: every object, revived, in order.
 */
import { VolvoCar } from '../../examples/cars/src/cars';
import { collectEvents, harness, nextEvent } from '../support/harness';

const h = harness();
afterEach(() => h.closeAll());

const BURST = 3_000;

describe('a burst of sends in one tick', () => {
  it('arrives whole and in order on the server, and every send resolves', async () => {
    const { server, port } = await h.listeningServer<VolvoCar>();
    const client = await h.connectedClient(port);
    const arrived = collectEvents(server, 'message', BURST, 15_000);

    const sent = Array.from({ length: BURST }, (_, i) => client.send(new VolvoCar(i, 4)));
    await Promise.all(sent);
    const messages = await arrived;

    expect(messages.every(([car]) => car instanceof VolvoCar)).toBe(true);
    expect(messages.map(([car]) => car.speed)).toEqual(Array.from({ length: BURST }, (_, i) => i));
  });

  it('is delivered before the close that follows it in the same tick', async () => {
    const { server, port } = await h.listeningServer<VolvoCar>();
    const client = await h.connectedClient(port);
    const arrived = collectEvents(server, 'message', 100, 15_000);
    const disconnected = nextEvent(server, 'disconnect', 15_000);

    for (let i = 0; i < 100; i++) void client.send(new VolvoCar(i, 6));
    await client.close();

    expect((await arrived).map(([car]) => car.speed)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    await disconnected;
  });

  /**
   * Sends cars 0 to 3 where car 1's getter sends car 2 while car 1 is encoded; returns
   * what the server got, as [class, speed, wheels], and the client.
   */
  async function sendWithNestedSend(clientOptions: { reconnect?: boolean }): Promise<{ got: unknown[]; status: string }> {
    const { server, port } = await h.listeningServer<VolvoCar>();
    const client = await h.connectedClient(port, clientOptions);
    const arrived = collectEvents(server, 'message', 4, 15_000);
    const outer = new VolvoCar(1, 4);
    let nested: Promise<void> | undefined;
    // Read once while `outer` is encoded.
    Object.defineProperty(outer, 'speed', {
      get: () => {
        nested ??= client.send(new VolvoCar(2, 6));
        return 1;
      },
    });

    const sends = [client.send(new VolvoCar(0, 2)), client.send(outer), client.send(new VolvoCar(3, 8))];
    await Promise.all([...sends, nested]);
    const got = (await arrived).map(([car]) => [car.constructor.name, car.speed, car.wheels]);
    return { got, status: client.status };
  }

  it('keeps frames whole when a getter sends while its object is encoded into the batch: the nested one follows', async () => {
    // Without a session: the connection encodes straight into the write batch.
    const { got } = await sendWithNestedSend({ reconnect: false });
    expect(got).toEqual([
      ['VolvoCar', 0, 2],
      ['VolvoCar', 1, 4],
      ['VolvoCar', 2, 6],
      ['VolvoCar', 3, 8],
    ]);
  });

  it('delivers every message when a getter sends while its object is encoded, with a session (the default)', async () => {
    // With a session each message is numbered: a nested send must not break the sequence.
    const { got, status } = await sendWithNestedSend({});
    // A session encodes a message straight into its log, one frame at a time: the nested send follows, as without a session.
    expect(got).toEqual([
      ['VolvoCar', 0, 2],
      ['VolvoCar', 1, 4],
      ['VolvoCar', 2, 6],
      ['VolvoCar', 3, 8],
    ]);
    expect(status).toBe('connected');
  });
});
