/**
 * `pnpm bench:browser`: the transport bench with the sender in headless Chromium. A page
 * (./page.ts, bundled with esbuild as an app would) sends the small message one way and
 * makes requests, over OON's browser client, socket.io's client and a bare WebSocket
 * with JSON; the receivers are the transport bench's own, each in a Node child process
 * that revives and counts (bench/src/transport). Rounds interleave the transports, as
 * `pnpm bench` does. Printed, and written to bench/browser-results.md unless NO_WRITE=1.
 * Never part of `pnpm test` (run by jest only to share the browser tests' rig).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { browserRig, callPage, type BrowserRig } from '../../test/support/browser-page';
// The built bench: its transport bench forks dist/transport/child.js for each receiver.
import { loadNow, machineLine, transportTable } from '../dist/report';
import { transportNamed } from '../dist/transport/contenders';
import type { TransportClient, TransportContender } from '../dist/transport/transport';
import { benchTransports } from '../dist/transport/transport-bench';
import type { PageApi, PageTransport } from './page-api';

const TRANSPORTS: readonly PageTransport[] = ['OON (binary, WebSocket)', 'socket.io', 'ws + JSON'];

/** A transport whose receiver is the Node bench's and whose sender is the page. */
function fromPage(page: Page, transport: PageTransport): TransportContender {
  const receiver = transportNamed(transport);
  return {
    name: receiver.name,
    serve: (onMessage) => receiver.serve(onMessage),
    async connect(port): Promise<TransportClient> {
      await callPage<PageApi, 'connect'>(page, 'connect', transport, port);
      const unused = (): Promise<never> => Promise.reject(new Error('the page sends and times on its own (sendFor, timeRequests)'));
      return {
        sendBurst: unused,
        request: unused,
        sendFor: (burst, ms) => callPage<PageApi, 'sendFor'>(page, 'sendFor', transport, burst, ms),
        timeRequests: (count) => callPage<PageApi, 'timeRequests'>(page, 'timeRequests', transport, count),
        close: () => callPage<PageApi, 'close'>(page, 'close', transport),
      };
    },
  };
}

let rig: BrowserRig | undefined;
afterAll(async () => {
  await rig?.close();
});

it('measures the transports with the sender in Chromium', async () => {
  const loadBefore = loadNow();
  rig = await browserRig(join(__dirname, 'page.ts'), { isolated: true });
  const { page, errors } = await rig.open();
  expect(await page.evaluate('crossOriginIsolated')).toBe(true); // else performance.now() is coarsened to 100 µs
  // Not pinned: the sender is Chromium's own processes, which this bench does not place.
  const { results } = await benchTransports(
    TRANSPORTS.map((transport) => fromPage(page, transport)),
    { rounds: 5, warmupMs: 1_000, durationMs: 1_000, warmupRequests: 2_000, requests: 5_000, pin: false },
  );
  expect(errors).toEqual([]);
  const agent = String(await page.evaluate('navigator.userAgent'));
  const version = /Chrome\/[\d.]+/.exec(agent)?.[0] ?? agent;
  const loadAfter = loadNow();
  const report = [
    '# OON benchmark results: the sender in a browser',
    '',
    `Written by \`pnpm bench:browser\` on ${new Date().toISOString()}.`,
    '',
    `- Machine: ${machineLine()}; browser: headless ${version} (Debian's chromium, driven by playwright-core)`,
    `- Load average (1, 5, 15 min) before: ${loadBefore.join(', ')}; after: ${loadAfter.join(', ')}`,
    '',
    'A page in Chromium sends the small message (a FordTruck carrying a VolvoCar) over each',
    "transport's browser client to a Node process on 127.0.0.1 that revives every message into",
    'class instances; one-way counts what the receiver revived, requests are timed in the page',
    '(cross-origin isolated, so `performance.now()` keeps microseconds). Five rounds visit the',
    'transports in turn; one-way is the median round, latencies are over all rounds.',
    '',
    transportTable(results),
    '',
  ].join('\n');
  console.log(report);
  if (process.env['NO_WRITE'] !== '1') writeFileSync(join(__dirname, '..', 'browser-results.md'), report);
}, 600_000);
