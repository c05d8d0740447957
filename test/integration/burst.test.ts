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
});
