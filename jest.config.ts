import type { Config } from 'jest';

/** Source entry points, so tests run against `src/` without a build. */
const moduleNameMapper = {
  '^@oon/(core|wire|server|client)$': '<rootDir>/packages/$1/src/index.ts',
};

const transform: Config['transform'] = {
  // Type checking is done once by `tsc -p tsconfig.test.json`; ts-jest only transpiles.
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
};

function project(displayName: string, roots: string[]): Config {
  return {
    displayName,
    rootDir: __dirname,
    roots,
    testEnvironment: 'node',
    testMatch: ['**/*.test.ts'],
    moduleNameMapper,
    transform,
  };
}

const config: Config = {
  projects: [
    project('core', ['<rootDir>/packages/core/test']),
    project('wire', ['<rootDir>/packages/wire/test']),
    project('server', ['<rootDir>/packages/server/test']),
    project('client', ['<rootDir>/packages/client/test']),
    project('integration', ['<rootDir>/test/integration']),
    project('bench', ['<rootDir>/bench/test']),
  ],
  testTimeout: 20_000,
};

export default config;
