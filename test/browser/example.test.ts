/**
 * examples/browser as a person sees it: the fleet server (a real child process) moves its
 * trucks a fixed number of steps and prints where they ended; the page, in headless
 * Chromium, must show each truck at exactly that position, as a `FordTruck` it revived.
 * A screenshot of the page is saved for a person to look at.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, type Chromium } from '../support/chromium';
import { exampleProcesses } from '../support/example-process';

const processes = exampleProcesses(join(__dirname, '..', '..', 'examples', 'browser', 'dist'));
let chromium: Chromium | undefined;
afterAll(async () => {
  processes.killAll();
  await chromium?.close();
});

/** Where the screenshot goes: `OON_SCREENSHOT`, else the system's temporary folder. */
const SCREENSHOT = process.env['OON_SCREENSHOT'] ?? join(tmpdir(), 'oon-example-browser.png');

describe('examples/browser', () => {
  it("shows every truck where the server's last move put it", async () => {
    const server = processes.start('server', [0, '--steps', 15, '--interval', 40]);
    const url = (await server.line(/^fleet server: open http:\/\/\S+$/, 20_000)).split(' ').pop()!;
    chromium = await launchChromium();
    const { page, errors } = await chromium.newPage();
    await page.goto(url);
    const final = JSON.parse((await server.line(/^final /, 20_000)).slice('final '.length)) as Array<{ id: string; position: string; step: number }>;
    expect(final.length).toBeGreaterThan(0);

    // The page shows the last state once every truck's row reads its last step.
    await page.waitForFunction(
      (steps) => {
        // Runs in the page; this file compiles with Node's types, not the DOM's.
        const page = globalThis as unknown as { document: { querySelector(selector: string): { textContent: string | null } | null } };
        return steps.every(({ id, step }) => page.document.querySelector(`tr[data-truck="${id}"] td:nth-child(7)`)?.textContent === String(step));
      },
      final,
      { timeout: 10_000 },
    );
    const shown = await page.$$eval('#fleet tr', (rows) =>
      rows.map((row) => ({ id: row.getAttribute('data-truck'), cells: [...row.querySelectorAll('td')].map((td) => td.textContent) })),
    );
    expect(shown.map(({ id, cells }) => ({ id, kind: cells[1], position: cells[2], step: Number(cells[6]) }))).toEqual(
      final.map(({ id, position, step }) => ({ id, kind: 'FordTruck (CarMark.Ford)', position, step })),
    );
    expect(await page.textContent('#status')).toMatch(/^connected to 127\.0\.0\.1:\d+$/);
    expect(errors).toEqual([]);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  }, 60_000);
});
