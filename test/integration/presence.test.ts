/**
 * Presence on the server (docs/reconnect.md, "Presence"): `away` when a client's link
 * drops and its session is kept, `reconnect` when it resumes, `disconnect` only when it
 * is gone for good, in that order and on time. Real sockets through a cut proxy.
 */
import type { OonServer } from '@oon/server';
import type { OonClient } from '@oon/client';
import { Tick } from '../../examples/reconnect/src/tick';
import { cutProxies } from '../support/cut-proxy';
import { expectOonError, harness, nextEvent } from '../support/harness';

const h = harness();
const proxies = cutProxies();
afterEach(async () => {
  await h.closeAll();
  await proxies.closeAll();
});

const FAST = { initialDelay: 10, maxDelay: 50 };

/** Every presence event of a server, as `[name, ms since start, detail]`, in order. */
function record(server: OonServer<Tick>): { events: Array<[string, number, unknown]>; start(): void } {
  let start = Date.now();
  const events: Array<[string, number, unknown]> = [];
  const at = (): number => Date.now() - start;
  server.on('away', (_, reason) => events.push(['away', at(), reason]));
  server.on('reconnect', (_, awayMs) => events.push(['reconnect', at(), awayMs]));
  server.on('loss', (count) => events.push(['loss', at(), count]));
  server.on('disconnect', (_, reason) => events.push(['disconnect', at(), reason]));
  return { events, start: () => (start = Date.now()) };
}

async function throughProxy(options: Parameters<typeof h.listeningServer>[0] = {}, clientOptions: Parameters<typeof h.client>[1] = { reconnect: FAST }) {
  const { server, port } = await h.listeningServer<Tick>(options);
  const log = record(server);
  const proxy = await proxies.to(port);
  const connected = nextEvent(server, 'connection');
  const client: OonClient<Tick> = await h.connectedClient<Tick>(proxy.port, clientOptions);
  const [peer] = await connected;
  return { server, log, proxy, client, peer };
}

describe('server presence events', () => {
  it('away at once when the link drops, reconnect (with how long) when the client resumes, disconnect only when it closes', async () => {
    const { server, log, proxy, client, peer } = await throughProxy();
    proxy.refuse = true;
    const away = nextEvent(server, 'away');
    log.start();
    proxy.cutNow();
    const [awayPeer, reason, error] = await away;
    expect(awayPeer).toBe(peer);
    expect(['remote close', 'connection error']).toContain(reason);
    expect(reason === 'remote close' ? error : error?.code).toBe(reason === 'remote close' ? undefined : 'BadConn');
    expect(peer.connected).toBe(false);
    expect(server.peers.has(peer)).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 200));
    const back = nextEvent(server, 'reconnect', 5_000);
    proxy.refuse = false;
    const [backPeer, awayMs] = await back;
    expect(backPeer).toBe(peer);
    expect(awayMs).toBeGreaterThanOrEqual(200);
    expect(peer.connected).toBe(true);

    const gone = nextEvent(server, 'disconnect');
    await client.close();
    expect(await gone).toEqual([peer, 'remote close']);
    expect(log.events.map(([name]) => name)).toEqual(['away', 'reconnect', 'disconnect']);
    const [[, awayAt]] = log.events as [[string, number, unknown]];
    expect(awayAt).toBeLessThan(500); // within a moment of the cut, not after resumeWindow (2 min)
  });

  it('a client that does not come back: away, then (after resumeWindow) loss and disconnect with timeout', async () => {
    const { server, log, proxy, peer } = await throughProxy({ resumeWindow: 400 });
    proxy.refuse = true;
    const gone = nextEvent(server, 'disconnect', 5_000);
    log.start();
    proxy.cutNow();
    await nextEvent(server, 'away');
    await peer.send(new Tick(1)); // held for it, then lost
    expect(await gone).toEqual([peer, 'timeout']);
    expect(log.events.map(([name, , detail]) => [name, detail])).toEqual([
      ['away', expect.stringMatching(/remote close|connection error/)],
      ['loss', 1],
      ['disconnect', 'timeout'],
    ]);
    const [[, awayAt], , [, goneAt]] = log.events as unknown as [[string, number], [string, number], [string, number]];
    expect(awayAt).toBeLessThan(300);
    expect(goneAt - awayAt).toBeGreaterThanOrEqual(390);
    expect(server.peers.has(peer)).toBe(false);
  });

  it('pairs each absence with one away and each return with one reconnect', async () => {
    const { server, log, proxy, client } = await throughProxy();
    proxy.refuse = true;
    const away = nextEvent(server, 'away');
    proxy.cutNow();
    await away;
    // Let the client back, then cut its new link again, twice.
    for (let i = 0; i < 2; i++) {
      proxy.refuse = false;
      await nextEvent(client, 'reconnect', 5_000);
      proxy.refuse = true;
      const again = nextEvent(server, 'away', 5_000);
      proxy.cutNow();
      await again;
    }
    proxy.refuse = false;
    await nextEvent(client, 'reconnect', 5_000);
    expect(log.events.map(([name]) => name)).toEqual(['away', 'reconnect', 'away', 'reconnect', 'away', 'reconnect']);
  });

  it("peer.request() while the client is away rejects at once saying when and why its link was lost", async () => {
    const { server, proxy, peer } = await throughProxy();
    proxy.refuse = true;
    const away = nextEvent(server, 'away');
    proxy.cutNow();
    await away;
    await expectOonError(
      peer.request(new Tick(1)),
      'BadConn',
      /^127\.0\.0\.1:\d+ is away: the link to 127\.0\.0\.1:\d+ was lost \d+ ms ago \((remote close|connection error: .*)\); its session is kept for it to come back within resumeWindow, but requests are not held: retry after the server's 'reconnect' event$/,
    );
  });

  it('a client without a session (reconnect: false) is gone when its link drops: disconnect, no away', async () => {
    const { server, log, proxy, peer } = await throughProxy({}, { reconnect: false });
    const gone = nextEvent(server, 'disconnect');
    log.start();
    proxy.cutNow();
    const [gonePeer, reason] = await gone;
    expect(gonePeer).toBe(peer);
    expect(['remote close', 'connection error']).toContain(reason);
    expect(log.events.map(([name]) => name)).toEqual(['disconnect']);
  });

  it('the server closing while a client is away: disconnect with local close, no reconnect', async () => {
    const { server, log, proxy } = await throughProxy();
    proxy.refuse = true;
    proxy.cutNow();
    await nextEvent(server, 'away');
    await server.close();
    expect(log.events.map(([name, , detail]) => [name, detail])).toEqual([
      ['away', expect.stringMatching(/remote close|connection error/)],
      ['disconnect', 'local close'],
    ]);
  });
});
