/**
 * A page in headless Chromium streams to a server process that is killed with SIGKILL
 * mid-stream and started again on the same port: the page's client reconnects, finds its
 * session gone, and resends what the dead process never acknowledged. Nothing is lost.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { PageApi } from './fixtures/page-api';
import { browserRig, callPage, type BrowserRig } from '../support/browser-page';
import { exampleProcesses, type ExampleProcess } from '../support/example-process';
import { freePort } from '../support/free-port';
import { waitUntil } from '../support/wait-until';

const processes = exampleProcesses(join(__dirname, 'fixtures', 'dist'));
let rig: BrowserRig;
let page: Page;
beforeAll(async () => {
  rig = await browserRig(join(__dirname, 'fixtures', 'page.ts'));
  ({ page } = await rig.open());
}, 60_000);
afterAll(async () => {
  processes.killAll();
  await rig?.close();
});

/** Starts the server on `port`: one the kernel hands no other socket while it is down (free-port.ts), so it can start again there. */
async function startServer(port: number): Promise<ExampleProcess & { port: number }> {
  const server = processes.start('server', [port]);
  const listening = await server.line(/^listening \d+$/);
  return { ...server, port: Number(listening.slice(10)) };
}

describe('a page whose server process is killed with SIGKILL and restarted', () => {
  it('loses nothing it streamed: its client resends what was not acknowledged', async () => {
    const TOTAL = 3_000;
    const first = await startServer(await freePort());
    await callPage<PageApi, 'connect'>(page, 'connect', `ws://127.0.0.1:${first.port}/`);
    // Paced (about 1.5 s in all), so the server is killed while the page is still sending.
    const streaming = callPage<PageApi, 'stream'>(page, 'stream', TOTAL, { every: 20, ms: 10 });
    await waitUntil(() => first.got.length >= 500, 20_000, () => `500 ticks at the first server (has ${first.got.length})`);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const second = await startServer(first.port);
    await streaming;
    await waitUntil(
      () => new Set([...first.got, ...second.got]).size === TOTAL,
      20_000,
      () => `every tick across both servers (first ${first.got.length}, second ${second.got.length})`,
    );

    const counters = await callPage<PageApi, 'counters'>(page, 'counters');
    expect(first.got.length).toBeLessThan(TOTAL); // killed mid-stream
    expect(second.got.length).toBeGreaterThan(0);
    expect([...new Set([...first.got, ...second.got])].sort((a, b) => a - b)).toEqual(Array.from({ length: TOTAL }, (_, n) => n));
    expect(counters.reconnects).toHaveLength(1);
    // The new process has no session to resume: the client starts one and resends.
    expect(counters.reconnects[0]).toMatchObject({ resumed: false });
    expect(counters.stats).toMatchObject({ sent: TOTAL, lost: 0 });
    expect(counters.sent).toBe(TOTAL);
    if (process.env['OON_FIGURES']) {
      const duplicates = first.got.filter((n) => second.got.includes(n)).length;
      console.log(JSON.stringify({ firstGot: first.got.length, secondGot: second.got.length, duplicates, reconnect: counters.reconnects[0], stats: counters.stats }));
    }
    await callPage<PageApi, 'close'>(page, 'close');
  }, 60_000);
});
