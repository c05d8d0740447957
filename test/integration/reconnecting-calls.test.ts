/**
 * Calls made while the client is reconnecting (docs/reconnect.md, "While reconnecting"):
 * they say what happened to the link rather than "connect first"; a request waits for the
 * link within its own timeout (`waitForReconnect`, on by default) or rejects at once
 * saying the link is being reconnected. Real sockets, through a proxy that cuts the link
 * and refuses new ones until told.
 */
import type { Socket } from 'node:net';
import { TimeoutError } from '@oon/core';
import { encodeFrame, type FrameKind } from '@oon/wire';
import type { OonClient } from '@oon/client';
import type { OonServer } from '@oon/server';
import { Tick } from '../../examples/reconnect/src/tick';
import { cutProxies, type CutProxy } from '../support/cut-proxy';
import { expectOonError, harness, helloFrame, nextEvent } from '../support/harness';

const h = harness();
const proxies = cutProxies();
afterEach(async () => {
  await h.closeAll();
  await proxies.closeAll();
});

const FAST = { initialDelay: 10, maxDelay: 50 };

/** What the link's end is reported as when the proxy cuts it: a FIN or a reset, depending on timing. */
const CUT = String.raw`\((remote close|connection error: [^)]*)\)`;
const WHERE = String.raw`127\.0\.0\.1:\d+`;

/**
 * A server answering `Tick` requests with the next tick, a client reaching it through a
 * proxy, and the link cut with the proxy refusing new links, the client retrying.
 */
async function reconnecting(options: Parameters<typeof h.client>[1] = {}): Promise<{ server: OonServer<Tick>; proxy: CutProxy; client: OonClient<Tick> }> {
  const { server, port } = await h.listeningServer<Tick>();
  server.handle(Tick, (tick) => new Tick(tick.n + 1));
  const proxy = await proxies.to(port);
  const client = await h.connectedClient<Tick>(proxy.port, { reconnect: FAST, ...options });
  proxy.refuse = true;
  const retrying = nextEvent(client, 'reconnecting', 5_000);
  proxy.cutNow();
  await retrying;
  expect(client.status).toBe('reconnecting');
  return { server, proxy, client };
}

describe('a call while the client is reconnecting', () => {
  it('request() with waitForReconnect: false rejects at once with BadConn saying when and why the link was lost', async () => {
    const { client } = await reconnecting();
    await new Promise((resolve) => setTimeout(resolve, 120)); // a few attempts
    const error = await expectOonError(client.request(new Tick(1), { waitForReconnect: false }), 'BadConn');
    expect(error.message).toMatch(new RegExp(String.raw`^the link to ${WHERE} was lost (\d+ ms|\d+\.\d s) ago ${CUT}; reconnecting, attempt ([2-9]|[1-9]\d+)$`)); // past the first: 120 ms may hold ten or more
    expect(Number(/lost (\d+) ms/.exec(error.message)?.[1] ?? 1_000)).toBeGreaterThanOrEqual(120);
  });

  it('the client option waitForReconnect: false applies to every request', async () => {
    const { client } = await reconnecting({ waitForReconnect: false });
    await expectOonError(client.request(new Tick(1)), 'BadConn', new RegExp(String.raw`^the link to ${WHERE} was lost \d+ ms ago ${CUT}; reconnecting, attempt \d+$`));
  });

  it('request() waits for the link by default, is sent once it is back, and resolves with the reply', async () => {
    const { server, proxy, client } = await reconnecting();
    let requests = 0;
    server.handle(Tick, (tick) => {
      requests += 1;
      return new Tick(tick.n * 10);
    });
    const reply = client.request<Tick>(new Tick(7), { timeout: 5_000 });
    let settled = false;
    void reply.finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(settled).toBe(false);
    proxy.refuse = false;
    const answer = await reply;
    expect(answer).toBeInstanceOf(Tick);
    expect(answer.n).toBe(70);
    expect(requests).toBe(1);
  });

  it('a waiting request times out within its own timeout, saying it waited for the link', async () => {
    const { client } = await reconnecting();
    const started = Date.now();
    const error = await expectOonError(client.request(new Tick(1), { timeout: 200 }), 'Timeout');
    expect(error).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error.message).toMatch(
      new RegExp(
        String.raw`^no reply to Tick request to ${WHERE} within 200 ms \(request timeout\): it waited for the link all along; the link to ${WHERE} was lost \d+ ms ago ${CUT}; reconnecting, attempt \d+$`,
      ),
    );
  });

  it('a waiting request rejects with the reason when aborted, and with BadConn when the client is closed', async () => {
    const { client } = await reconnecting();
    const controller = new AbortController();
    const aborted = client.request(new Tick(1), { signal: controller.signal });
    controller.abort(new Error('user left'));
    await expect(aborted).rejects.toThrow('user left');
    const waiting = client.request(new Tick(2));
    const closing = client.close();
    await expectOonError(waiting, 'BadConn', new RegExp(String.raw`^the client was closed before the link to ${WHERE} came back$`));
    await closing;
    await expectOonError(client.request(new Tick(3)), 'BadConn', new RegExp(String.raw`^not connected to ${WHERE}: the client was closed; connect\(\) to start again$`));
  });

  it('when reconnecting gives up, a waiting request rejects with why, and later calls say it gave up', async () => {
    const { client } = await reconnecting({ reconnect: { initialDelay: 5, maxDelay: 10, maxAttempts: 3 } });
    const gaveUp = nextEvent(client, 'error', 5_000);
    const waiting = client.request(new Tick(1), { timeout: 5_000 });
    await expectOonError(waiting, 'BadConn', new RegExp(String.raw`^gave up reconnecting to ${WHERE} after 3 attempts: `));
    await gaveUp;
    expect(client.status).toBe('closed');
    await expectOonError(
      client.send(new Tick(2)),
      'BadConn',
      new RegExp(String.raw`^the link to ${WHERE} was lost \d+ ms ago ${CUT}; gave up reconnecting after 3 attempts \(the last: .+\); connect\(\) to start again$`),
    );
  });

  it('send() still holds messages while reconnecting and delivers them once the link is back', async () => {
    const { server, proxy, client } = await reconnecting();
    const got: number[] = [];
    server.on('message', (tick) => got.push(tick.n));
    await client.send(new Tick(1));
    await client.send(new Tick(2));
    proxy.refuse = false;
    await client.flush({ timeout: 5_000 });
    expect(got).toEqual([1, 2]);
  });

  it('after a drop that is not retried (the server sent bad data), calls say so', async () => {
    const { port } = await h.rawServer((socket: Socket) => {
      socket.write(helloFrame());
      setTimeout(() => socket.write(encodeFrame(42 as FrameKind, 'x')), 20);
    });
    const client = await h.connectedClient(port, { reconnect: FAST });
    const [reason] = await nextEvent(client, 'disconnect');
    expect(reason).toBe('bad data');
    expect(client.status).toBe('closed');
    await expectOonError(
      client.request(new Tick(1)),
      'BadConn',
      new RegExp(String.raw`^the link to ${WHERE} was lost \d+ ms ago \(bad data: peer sent a frame of kind 42, which OON protocol v1 does not use here\), which is not retried; connect\(\) to start again$`),
    );
  });

  it('during connect(), calls say it has not finished', async () => {
    const { port } = await h.rawServer(); // accepts and never says hello
    const client = h.client(port, { connectTimeout: 300 });
    const connecting = client.connect().catch(() => {});
    await expectOonError(client.request(new Tick(1)), 'BadConn', /^not connected to 127\.0\.0\.1:\d+ yet: connect\(\) has not finished; await it first$/);
    await connecting;
  });

  it('before connect(), calls say to connect first', async () => {
    const client = h.client(1);
    await expectOonError(client.request(new Tick(1)), 'BadConn', /^not connected to 127\.0\.0\.1:1: await connect\(\) first$/);
  });
});
