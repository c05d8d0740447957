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
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] },
  testTimeout: 600_000,
};

export default config;
