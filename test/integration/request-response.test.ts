import { NetClass, NetField, TimeoutError } from '@oon/core';
import { DEFAULT_REQUEST_TIMEOUT, requestName } from '@oon/wire';
import { expectOonError, harness, nextEvent, TRANSPORTS } from '../support/harness';

@NetClass()
class Ping {
  @NetField() n: number = 0;
  @NetField() delayMs: number = 0;
  constructor(n = 0, delayMs = 0) {
    this.n = n;
    this.delayMs = delayMs;
  }
}

@NetClass()
class Pong {
  @NetField() n: number = 0;
  constructor(n = 0) {
    this.n = n;
  }
}

@NetClass()
class LoudPing extends Ping {}

@NetClass()
class Unanswered {
  @NetField() note: string = '';
}

/** A request that names itself (`[requestName]`), so its failures name it by what it carries. */
@NetClass()
class Command {
  @NetField() action: string = 'refund';
  [requestName](): string {
    return `${this.action} command`;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(TRANSPORTS)('over %s', (transport) => {
  const h = harness(transport);
  afterEach(() => h.closeAll());

  describe('request / response', () => {
    it('client.request() resolves with the revived reply of server.handle()', async () => {
      const { server, port } = await h.listeningServer();
      server.handle(Ping, (ping, peer) => {
        expect(peer.address).toBe('127.0.0.1');
        return new Pong(ping.n * 2);
      });
      const client = await h.connectedClient(port);
      const pong = await client.request<Pong>(new Ping(21));
      expect(pong).toBeInstanceOf(Pong);
      expect(pong.n).toBe(42);
    });

    it('a handler for a class also answers its subclasses', async () => {
      const { server, port } = await h.listeningServer();
      server.handle(Ping, (ping) => new Pong(ping instanceof LoudPing ? 1 : 0));
      const client = await h.connectedClient(port);
      expect((await client.request<Pong>(new LoudPing())).n).toBe(1);
    });

    it('works from server to client: peer.request() and client.handle()', async () => {
      const { server, port } = await h.listeningServer();
      const client = await h.connectedClient(port);
      client.handle(Ping, async (ping) => {
        await sleep(5);
        return new Pong(ping.n + 1);
      });
      const peer = await server.accept({ timeout: 2_000 });
      expect(await peer.request(new Ping(1))).toEqual(new Pong(2));
    });

    it("reaches the caller with the handler's message when the handler throws", async () => {
      const { server, port } = await h.listeningServer();
      server.handle(Ping, (ping) => {
        if (ping.n < 0) throw new TimeoutError('the database did not answer');
        throw new Error('n must be negative, got 3');
      });
      const client = await h.connectedClient(port);
      const failed = await expectOonError(client.request(new Ping(3)), 'BadData', 'n must be negative, got 3');
      expect(failed.message).toContain('Ping request failed');
      await expectOonError(client.request(new Ping(-1)), 'Timeout', 'the database did not answer');
      expect(client.connected).toBe(true);
    });

    it('answers a request no handler takes with a clear BadData', async () => {
      const { server, port } = await h.listeningServer();
      server.handle(Ping, () => new Pong());
      const client = await h.connectedClient(port);
      const unanswered = await expectOonError(client.request(new Unanswered()), 'BadData');
      // The request is named once, by the prefix every failed request has; the reason says what to fix.
      expect(unanswered.message).toMatch(
        /^\S+ answered: Unanswered request failed: no handler here takes this class, nor a class it extends: register one on this side with handle\(\)$/,
      );
      const command = await expectOonError(client.request(new Command()), 'BadData');
      expect(command.message).toMatch(/ answered: refund command request failed: no handler here takes class Command, nor a class it extends: register one on this side with handle\(\)$/);
      expect((await client.request<Pong>(new Ping())).n).toBe(0);
    });

    it('completes many concurrent requests on one connection out of order, each with its own reply', async () => {
      const { server, port } = await h.listeningServer();
      server.handle(Ping, async (ping) => {
        await sleep(ping.delayMs);
        return new Pong(ping.n * 10);
      });
      const client = await h.connectedClient(port);
      const order: number[] = [];
      const replies = await Promise.all(
        Array.from({ length: 500 }, (_, n) =>
          client.request<Pong>(new Ping(n, (n * 7919) % 23)).then((pong) => {
            order.push(n);
            return pong.n;
          }),
        ),
      );
      expect(replies).toEqual(Array.from({ length: 500 }, (_, n) => n * 10));
      expect(order).not.toEqual([...order].sort((a, b) => a - b)); // they did finish out of order
    });

    it('rejects with Timeout past its deadline, drops the late reply, and the connection goes on', async () => {
      const { server, port } = await h.listeningServer();
      server.handle(Ping, async (ping) => {
        await sleep(ping.delayMs);
        return new Pong(ping.n);
      });
      const client = await h.connectedClient(port);
      await expectOonError(client.request(new Ping(1, 200), { timeout: 30 }), 'Timeout', 'no reply to Ping request');
      expect((await client.request<Pong>(new Ping(2))).n).toBe(2);
      await sleep(250); // the late reply to the first request arrives and is dropped
      expect((await client.request<Pong>(new Ping(3))).n).toBe(3);
      expect(DEFAULT_REQUEST_TIMEOUT).toBe(30_000);
    });

    it('times each request out at its own deadline, a shorter one made later first, while answered ones go on', async () => {
      const { server, port } = await h.listeningServer();
      server.handle(Ping, async (ping) => {
        await sleep(ping.delayMs);
        return new Pong(ping.n);
      });
      const client = await h.connectedClient(port);
      const started = Date.now();
      const settledAt = (promise: Promise<unknown>): Promise<number> => promise.then(
        () => -1,
        (err: unknown) => (err instanceof TimeoutError ? Date.now() - started : -2),
      );
      const long = settledAt(client.request(new Ping(1, 5_000), { timeout: 600 }));
      const short = settledAt(client.request(new Ping(2, 5_000), { timeout: 100 }));
      const answered = client.request<Pong>(new Ping(3, 0), { timeout: 50 });
      expect((await answered).n).toBe(3);
      const [longMs, shortMs] = await Promise.all([long, short]);
      expect(shortMs).toBeGreaterThanOrEqual(95);
      expect(shortMs).toBeLessThan(500);
      expect(longMs).toBeGreaterThanOrEqual(595);
    });

    it('answers a handler that returns nothing (plain JavaScript) with a BadData error reply, and the connection goes on', async () => {
      const { server, port } = await h.listeningServer();
      server.handle(Ping, ((ping: Ping) => (ping.n === 0 ? undefined : new Pong(ping.n))) as unknown as (ping: Ping) => Pong);
      const client = await h.connectedClient(port);
      await expectOonError(client.request(new Ping(0)), 'BadData', 'Ping request failed: the reply could not be sent');
      expect((await client.request<Pong>(new Ping(4))).n).toBe(4);
    });

    it('rejects with the signal reason when aborted', async () => {
      const { server, port } = await h.listeningServer();
      server.handle(Ping, () => new Promise<Pong>(() => {}));
      const client = await h.connectedClient(port);
      const controller = new AbortController();
      const pending = client.request(new Ping());
      const aborted = client.request(new Ping(), { signal: controller.signal });
      controller.abort(new Error('caller gave up'));
      await expect(aborted).rejects.toThrow('caller gave up');
      const lost = expectOonError(pending, 'BadConn', 'closed before the reply');
      await client.close();
      await lost;
    });

    it("aborts a running handler's signal with BadConn when the caller's connection closes, on the server and on the client", async () => {
      const { server, port } = await h.listeningServer();
      const serverSide = new Promise<unknown>((resolve) => {
        server.handle(Ping, (_ping, _peer, signal) => {
          expect(signal.aborted).toBe(false);
          signal.addEventListener('abort', () => resolve(signal.reason));
          return new Promise<Pong>(() => {});
        });
      });
      const client = await h.connectedClient(port, { reconnect: false });
      const lost = expectOonError(client.request(new Ping()), 'BadConn', 'closed before the reply');
      await sleep(50);
      await client.close();
      await lost;
      const reason = await serverSide;
      expect(reason).toMatchObject({ code: 'BadConn' });
      expect((reason as Error).message).toMatch(/^the connection to 127\.0\.0\.1:\d+ closed: the reply to this request cannot be sent$/);

      // The other way round: the server asks, the client's handler hears the close.
      const client2 = await h.connectedClient(port, { reconnect: false });
      const clientSide = new Promise<unknown>((resolve) => {
        client2.handle(Ping, (_ping, _client, signal) => {
          signal.addEventListener('abort', () => resolve(signal.reason));
          return new Promise<Pong>(() => {});
        });
      });
      const [peer] = [...server.peers];
      if (peer === undefined) throw new Error('no peer');
      const unanswered = peer.request(new Ping()).catch((err: unknown) => err);
      await sleep(50);
      await server.close();
      expect(await clientSide).toMatchObject({ code: 'BadConn' });
      expect(await unanswered).toMatchObject({ code: 'BadConn' });
    });

    it('rejects with BadConn when not connected', async () => {
      const { port } = await h.listeningServer();
      await expectOonError(h.client(port).request(new Ping()), 'BadConn', 'connect() first');
    });

    it('keeps requests in their place among the messages of one tick, both ways, with sessions and without', async () => {
      for (const reconnect of [true, false]) {
        const { server, port } = await h.listeningServer();
        const atServer: string[] = [];
        server.on('message', (ping) => atServer.push(`message ${(ping as Ping).n}`));
        server.handle(Ping, (ping) => (atServer.push(`request ${ping.n}`), new Pong(ping.n)));
        const connection = nextEvent(server, 'connection');
        const client = await h.connectedClient(port, { reconnect });
        const [peer] = await connection;
        const atClient: string[] = [];
        client.on('message', (ping) => atClient.push(`message ${(ping as Ping).n}`));
        client.handle(Ping, (ping) => (atClient.push(`request ${ping.n}`), new Pong(ping.n)));

        // In one tick: a session's messages wait in its log for the frame writer to pull
        // them, and a request is encoded into the writer's batch; both go in one write.
        const sides: Array<{ send(object: object): Promise<void>; request(object: object): Promise<object> }> = [client, peer];
        for (const side of sides) {
          const sent: Array<Promise<unknown>> = [side.send(new Ping(1)), side.send(new Ping(2)), side.request(new Ping(3))];
          for (let n = 4; n < 100; n++) sent.push(side.send(new Ping(n)));
          sent.push(side.request(new Ping(100)), side.send(new Ping(101)));
          await Promise.all(sent);
        }
        await client.close();

        const expected = Array.from({ length: 101 }, (_, i) => (i + 1 === 3 || i + 1 === 100 ? `request ${i + 1}` : `message ${i + 1}`));
        expect({ reconnect, atServer }).toEqual({ reconnect, atServer: expected });
        expect({ reconnect, atClient }).toEqual({ reconnect, atClient: expected });
      }
    });

    it("is refused on the origin's wire, which has no requests", async () => {
      const { port } = await h.listeningServer({ protocol: 'oon-0.0.5' });
      const client = await h.connectedClient(port, { protocol: 'oon-0.0.5' });
      await expectOonError(client.request(new Ping()), 'BadData', 'has no requests');
    });
  });
});
