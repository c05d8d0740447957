import type { Config } from 'jest';

/**
 * `pnpm bench:browser`: the transport bench with its sender in headless Chromium. Long,
 * so never part of `pnpm test`; run by jest only to share the browser tests' rig
 * (test/support: esbuild bundle, static server, Chromium).
 */
const config: Config = {
  rootDir: __dirname,
  roots: ['<rootDir>/bench/browser'],
  testEnvironment: 'node',
  testMatch: ['**/*.bench.ts'],
  // The page is bundled from the packages' ES module build: bring it up to date first.
  globalSetup: '<rootDir>/test/support/esm-build.ts',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] },
  testTimeout: 600_000,
};

export default config;
