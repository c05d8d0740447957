/**
 * `OonClient` in real headless Chromium, over the browser's own WebSocket, against a real
 * `OonServer` in this process: objects go both ways as real instances, requests answer
 * (or time out, or abort), the pull API reads, a cut link is resumed, close() is clean.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { OonServer, type Peer } from '@oon/server';
import { Parcel, Quote, QuoteRequest, Tick, priceOf, sampleParcel } from './fixtures/model';
import type { PageApi } from './fixtures/page-api';
import { browserRig, callPage, type BrowserRig } from '../support/browser-page';
import { cutProxies } from '../support/cut-proxy';
import { LOOPBACK, nextEvent } from '../support/harness';
import { waitUntil } from '../support/wait-until';

let rig: BrowserRig;
beforeAll(async () => {
  rig = await browserRig(join(__dirname, 'fixtures', 'page.ts'));
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

const proxies = cutProxies();
let server: OonServer;
let page: Page;
let pageErrors: string[];
/** What the server received, revived. */
let parcels: Parcel[];
let ticks: number[];

beforeEach(async () => {
  parcels = [];
  ticks = [];
  server = new OonServer({ host: LOOPBACK, tcp: false, websocket: { port: 0 } });
  server.onMessage(Parcel, (parcel, peer) => {
    parcels.push(parcel);
    void peer.send(parcel);
  });
  server.onMessage(Tick, (tick) => ticks.push(tick.n));
  server.handle(QuoteRequest, async (request) => {
    await new Promise((resolve) => setTimeout(resolve, request.delay));
    return Object.assign(new Quote(), { cents: priceOf(request.parcel ?? new Parcel()) });
  });
  await server.listen();
  ({ page, errors: pageErrors } = await rig.open());
});

afterEach(async () => {
  await page.close();
  await proxies.closeAll();
  await server.close();
});

function wsUrl(port = server.websocketAddress()!.port): string {
  return `ws://${LOOPBACK}:${port}/`;
}

describe('OonClient in Chromium', () => {
  it('sends decorated instances that the server revives, and gets revived instances back: instanceof, methods, Map, Date, bigint', async () => {
    await callPage<PageApi, 'connect'>(page, 'connect', wsUrl());
    const facts = await callPage<PageApi, 'echo'>(page, 'echo', 'event');

    const expected = sampleParcel();
    expect(facts).toEqual({
      isParcel: true,
      innerIsParcel: true,
      label: 'outer',
      totalWeight: expected.totalWeight(),
      weightsIsMap: true,
      weights: [...expected.weights],
      shippedIsDate: true,
      shipped: '2026-12-05T03:00:00.000Z',
      serialType: 'bigint',
      serial: String(2n ** 70n + 1n),
    });
    const [received] = parcels;
    expect(received).toBeInstanceOf(Parcel);
    expect(received!.inside[0]).toBeInstanceOf(Parcel);
    expect(received!.weights).toEqual(expected.weights);
    expect(received!.shipped).toEqual(expected.shipped);
    expect(received!.serial).toBe(expected.serial);
    expect(pageErrors).toEqual([]);
  });

  it('reads with the pull API: receive() and messages()', async () => {
    await callPage<PageApi, 'connect'>(page, 'connect', wsUrl());
    expect(await callPage<PageApi, 'echo'>(page, 'echo', 'pull')).toMatchObject({ isParcel: true, serialType: 'bigint', weightsIsMap: true });
    expect(await callPage<PageApi, 'echo'>(page, 'echo', 'iterator')).toMatchObject({ isParcel: true, shippedIsDate: true });
  });

  it('makes requests: a revived reply, a Timeout past its deadline, the abort reason when its signal aborts', async () => {
    await callPage<PageApi, 'connect'>(page, 'connect', wsUrl());
    expect(await callPage<PageApi, 'quote'>(page, 'quote', { delay: 0, timeout: 5_000 })).toEqual({ quote: `EUR ${priceOf(sampleParcel()) / 100n}.${String(priceOf(sampleParcel()) % 100n).padStart(2, '0')}`, isQuote: true });

    const late = await callPage<PageApi, 'quote'>(page, 'quote', { delay: 1_000, timeout: 100 });
    expect(late.error).toMatchObject({ name: 'TimeoutError', code: 'Timeout', isOonError: true });
    expect(late.error?.message).toMatch(/no reply to QuoteRequest request .* within 100 ms/);

    const aborted = await callPage<PageApi, 'quote'>(page, 'quote', { delay: 1_000, timeout: 5_000, abortAfter: 50 });
    expect(aborted.error).toMatchObject({ name: 'AbortError', isOonError: false });
  });

  it('resumes its session when the link is cut: nothing lost, nothing repeated', async () => {
    const proxy = await proxies.to(server.websocketAddress()!.port);
    await callPage<PageApi, 'connect'>(page, 'connect', wsUrl(proxy.port));
    const TOTAL = 2_000;
    const streaming = callPage<PageApi, 'stream'>(page, 'stream', TOTAL);
    await waitUntil(() => ticks.length >= 300, 10_000, () => `300 ticks at the server (has ${ticks.length})`);
    proxy.cutNow();
    await streaming;
    await waitUntil(() => ticks.length >= TOTAL, 10_000, () => `${TOTAL} ticks at the server (has ${ticks.length})`);

    expect(ticks).toEqual(Array.from({ length: TOTAL }, (_, n) => n));
    const counters = await callPage<PageApi, 'counters'>(page, 'counters');
    expect(counters.reconnects).toHaveLength(1);
    expect(counters.reconnects[0]).toMatchObject({ resumed: true });
    expect(counters.stats).toMatchObject({ sent: TOTAL, lost: 0 });
    expect(counters.status).toBe('connected');
  });

  it('rejects connect() with BadConn saying what to check when nothing answers at the url', async () => {
    const proxy = await proxies.to(server.websocketAddress()!.port);
    proxy.refuse = true;
    const url = wsUrl(proxy.port);
    expect(await callPage<PageApi, 'tryConnect'>(page, 'tryConnect', url)).toEqual({
      name: 'BadConnError',
      code: 'BadConn',
      isOonError: true,
      message: `cannot connect to ${url}: the WebSocket closed (code 1006) before it opened; is the server running, with websocket at that path, and does its origin check let this page in?`,
    });
  });

  it('refuses, in the constructor, what a browser cannot dial: host/port without url, and Node\'s tls', async () => {
    expect(await callPage<PageApi, 'construct'>(page, 'construct', { host: '127.0.0.1', port: 9090 })).toEqual({
      name: 'TypeError',
      code: undefined,
      isOonError: false,
      message: "in a browser OonClient connects over WebSocket only: pass url ('ws://host:port/path' or 'wss://…'), not host/port or path",
    });
    expect(await callPage<PageApi, 'construct'>(page, 'construct', { url: wsUrl(), tls: { ca: 'x' } })).toMatchObject({
      name: 'TypeError',
      message: "tls takes Node's TLS options: in a browser a wss:// url is verified against the browser's own trusted certificates",
    });
    expect(await callPage<PageApi, 'construct'>(page, 'construct', { url: wsUrl() })).toBeUndefined();
  });

  it('speaks the JSON codec once the page asks for it with useJsonCodec(), and says so in the constructor before', async () => {
    // A browser build leaves the JSON codec out unless the page calls useJsonCodec() (the size of every page speaking binary).
    expect(await callPage<PageApi, 'construct'>(page, 'construct', { url: wsUrl(), codec: 'json' })).toEqual({
      name: 'TypeError',
      code: undefined,
      isOonError: false,
      message: "codec 'json' needs the JSON codec, which a browser build leaves out unless asked for: call useJsonCodec() (from @oon/client) once, before creating the client",
    });
    await callPage<PageApi, 'useJsonCodec'>(page, 'useJsonCodec');
    await callPage<PageApi, 'connect'>(page, 'connect', wsUrl(), 'json');
    const facts = await callPage<PageApi, 'echo'>(page, 'echo', 'event');
    expect(facts).toMatchObject({ isParcel: true, innerIsParcel: true, weightsIsMap: true, shippedIsDate: true, serialType: 'bigint', serial: String(2n ** 70n + 1n) });
    expect(parcels[0]).toBeInstanceOf(Parcel);
  });

  it('closes: the server sees the client end its session ("remote close", not away)', async () => {
    await callPage<PageApi, 'connect'>(page, 'connect', wsUrl());
    const left = nextEvent(server, 'disconnect', 5_000);
    await callPage<PageApi, 'close'>(page, 'close');
    const [peer, reason] = (await left) as [Peer, string];
    expect(peer).toBeDefined();
    expect(reason).toBe('remote close');
    expect((await callPage<PageApi, 'counters'>(page, 'counters')).status).toBe('closed');
  });
  it('holds what it receives to the send window when the page does not read: the server\'s sends wait, then all arrive in order once it reads', async () => {
    // A browser cannot pause its WebSocket: without its Acks held while the inbox is full,
    // the page took all 4,000 parcels (16 MB) into memory and every send resolved at once.
    const peerIn = new Promise<Peer>((resolve) => server.once('connection', resolve));
    await callPage<PageApi, 'connect'>(page, 'connect', wsUrl());
    const peer = await peerIn;
    const TOTAL = 4_000;
    const filler = 'x'.repeat(4_000);
    let sent = 0;
    const sending = (async () => {
      for (let n = 0; n < TOTAL; n++) {
        await peer.send(Object.assign(sampleParcel(), { label: `${n}:${filler}` }));
        sent++;
      }
    })();
    // The page's inbox pauses at 1,024; the server's 4 MiB window (about 1,000 parcels) then fills.
    // Until the count stops moving for half a second (or 15 s pass: on the old code it never stops before the end).
    for (let last = -1, deadline = Date.now() + 15_000; (sent !== last || sent === 0) && sent < TOTAL && Date.now() < deadline; ) {
      last = sent;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(sent).toBeLessThan(3_000);
    const numbers = await callPage<PageApi, 'takeParcels'>(page, 'takeParcels', TOTAL);
    await sending;
    expect(sent).toBe(TOTAL);
    expect(numbers).toEqual(Array.from({ length: TOTAL }, (_, n) => n));
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
