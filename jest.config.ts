import type { Config } from 'jest';

/** Source entry points, so tests run against `src/` without a build. */
const moduleNameMapper = {
  '^@oon/(core|wire|server|client|redis|nestjs)$': '<rootDir>/packages/$1/src/index.ts',
  '^@oon/wire/internal$': '<rootDir>/packages/wire/src/internal.ts',
  // The bench imports the cars as a package; from source too, so one @oon/core (one registry) is loaded.
  '^@oon/example-cars$': '<rootDir>/examples/cars/src/cars.ts',
};

const transform: Config['transform'] = {
  // Type checking is done once by `tsc -p tsconfig.test.json`; ts-jest only transpiles.
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
};

/** Brings the packages' ES module build up to date (tools/build-esm.mjs) before tests that bundle or pack them. */
const ESM_BUILD = '<rootDir>/test/support/esm-build.ts';

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
    project('redis', ['<rootDir>/packages/redis/test']),
    project('nestjs', ['<rootDir>/packages/nestjs/test']),
    project('integration', ['<rootDir>/test/integration']),
    // Pages bundled with esbuild and run in headless Chromium (Debian's `chromium`).
    { ...project('browser', ['<rootDir>/test/browser']), globalSetup: ESM_BUILD },
    // The packages as a user meets them: public names, the packed tarballs, docs, API reference.
    { ...project('package', ['<rootDir>/test/package']), globalSetup: ESM_BUILD },
    {
      ...project('bench', ['<rootDir>/bench/test']),
      // superjson and its dependencies ship only ES modules, which jest's CommonJS runtime
      // cannot require: ts-jest transpiles them to CommonJS for this project.
      transform: {
        ...transform,
        '^.+\\.m?js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', isolatedModules: true } }],
      },
      transformIgnorePatterns: ['node_modules/(?!(\\.pnpm/[^/]+/node_modules/)?(superjson|copy-anything|is-what)/)'],
    },
  ],
  testTimeout: 20_000,
};

export default config;
