import type { Config } from 'jest';

/**
 * The codec fuzz marathon (`pnpm fuzz`): long, so never part of `pnpm test`. Runs for
 * FUZZ_SECONDS (default 60) seconds.
 */
const config: Config = {
  rootDir: __dirname,
  roots: ['<rootDir>/test/fuzz'],
  testEnvironment: 'node',
  testMatch: ['**/*.fuzz.ts'],
  moduleNameMapper: {
    '^@oon/(core|wire|server|client)$': '<rootDir>/packages/$1/src/index.ts',
    '^@oon/wire/internal$': '<rootDir>/packages/wire/src/internal.ts',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] },
  testTimeout: 3_600_000,
};

export default config;
