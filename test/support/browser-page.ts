/**
 * A test page in headless Chromium: a fixture bundled for the browser (esbuild), served
 * from 127.0.0.1 by a tiny HTTP server, opened in a fresh Chromium. The page offers the
 * test an API on `window.oonTest`; {@link callPage} calls it through `page.evaluate`.
 */
import type { Page } from 'playwright-core';
import { bundleForBrowser } from './browser-bundle';
import { launchChromium, type Chromium } from './chromium';
import { htmlPage, serveStatic, type StaticServer } from './static-server';

/** A browser with a served page, ready to open tabs on it. */
export interface BrowserRig {
  /** `http://127.0.0.1:<port>`: where the page is served. */
  readonly origin: string;
  /** A new tab on the page, once its script has run; `errors` collects what the page threw or logged as errors. */
  open(): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/** Options of {@link browserRig}. */
export interface RigOptions {
  /**
   * Serve the page cross-origin isolated (COOP and COEP headers), so `performance.now()`
   * keeps microseconds: Chromium coarsens it to 100 µs otherwise. @default false
   */
  isolated?: boolean;
}

/** Response headers that make a page cross-origin isolated. */
const ISOLATION_HEADERS = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

/** Bundles `fixture`, serves it, and launches Chromium (fails naming `chromium` when it is missing). */
export async function browserRig(fixture: string, options: RigOptions = {}): Promise<BrowserRig> {
  const bundle = await bundleForBrowser(fixture);
  const headers = options.isolated === true ? ISOLATION_HEADERS : {};
  const site: StaticServer = await serveStatic({
    '/': { type: 'text/html; charset=utf-8', body: htmlPage('oon test page', '/page.js'), headers },
    '/page.js': { type: 'text/javascript; charset=utf-8', body: bundle.code, headers },
  });
  let chromium: Chromium;
  try {
    chromium = await launchChromium();
  } catch (err) {
    await site.close();
    throw err;
  }
  return {
    origin: site.origin,
    async open() {
      const tab = await chromium.newPage();
      await tab.page.goto(`${site.origin}/`);
      await tab.page.waitForFunction(() => 'oonTest' in globalThis, undefined, { timeout: 10_000 });
      return tab;
    },
    async close() {
      await chromium.close();
      await site.close();
    },
  };
}

/** Calls `window.oonTest[name](...args)` in the page and resolves with what it returned. */
export function callPage<Api, K extends keyof Api & string>(
  page: Page,
  name: K,
  ...args: Api[K] extends (...a: infer A) => unknown ? A : never
): Promise<Api[K] extends (...a: never[]) => infer R ? Awaited<R> : never> {
  return page.evaluate(
    ([method, values]) => {
      const api = (globalThis as unknown as { oonTest: Record<string, (...a: unknown[]) => unknown> }).oonTest;
      return api[method]!(...values);
    },
    [name, args] as const,
  ) as never;
}
