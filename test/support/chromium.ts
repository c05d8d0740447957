/**
 * Debian's Chromium (`/usr/bin/chromium`), headless, driven by playwright-core: the
 * browser download that `playwright install` does is not available here, so the tests
 * drive the system's browser. A missing browser fails the test, naming the package.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for a quiet, reproducible browser: no GPU, no QUIC, no first-run pages, and
 * nothing fetched from the network on its own (updates, sync, field trials).
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A running headless Chromium with one fresh profile; `close()` ends it and removes the profile. */
export interface Chromium {
  readonly context: BrowserContext;
  /** A new tab whose console errors and uncaught exceptions are collected in `errors`. */
  newPage(): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/** Throws, naming the package to install, when the system Chromium (at `path`) is absent. */
export function requireChromium(path: string = CHROMIUM_PATH): void {
  if (!existsSync(path)) {
    throw new Error(
      `${path} not found: the browser tests need Debian's \`chromium\` package ` +
        '(`apt-get install chromium`, which `.ci/run` does when it runs as root; see the README)',
    );
  }
}

/** Launches headless Chromium with a fresh temporary `--user-data-dir`. */
export async function launchChromium(): Promise<Chromium> {
  requireChromium();
  const profile = mkdtempSync(join(tmpdir(), 'oon-chromium-'));
  let context: BrowserContext;
  try {
    // A persistent context is how playwright passes `--user-data-dir`: a new one each launch.
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
      });
      return { page, errors };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
