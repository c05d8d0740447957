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

/**
 * A project that loads packages shipping only ES modules (`packages`: their names), which
 * jest's CommonJS runtime cannot require: test/support/esm-to-cjs.cjs rewrites them to
 * CommonJS as they load (Node loads them as they are, with require(esm)).
 */
function withEsmPackages(config: Config, packages: string[]): Config {
  const names = packages.map((name) => name.replace(/[.+]/g, '\\$&')).join('|');
  return {
    ...config,
    transform: { ...transform, '^.+\\.m?js$': '<rootDir>/test/support/esm-to-cjs.cjs' },
    // pnpm's layout: node_modules/.pnpm/<name>@<version>_<peers>/node_modules/<name>/.
    transformIgnorePatterns: [`node_modules/(?!(\\.pnpm/[^/]+/node_modules/)?(${names})/)`],
  };
}

const config: Config = {
  projects: [
    project('core', ['<rootDir>/packages/core/test']),
    project('wire', ['<rootDir>/packages/wire/test']),
    project('server', ['<rootDir>/packages/server/test']),
    project('client', ['<rootDir>/packages/client/test']),
    project('redis', ['<rootDir>/packages/redis/test']),
    // Nest 12 ships only ES modules.
    withEsmPackages(project('nestjs', ['<rootDir>/packages/nestjs/test']), ['@nestjs']),
    project('integration', ['<rootDir>/test/integration']),
    // Pages bundled with esbuild and run in headless Chromium (Debian's `chromium`).
    { ...project('browser', ['<rootDir>/test/browser']), globalSetup: ESM_BUILD },
    // The packages as a user meets them: public names, the packed tarballs, docs, API reference.
    { ...project('package', ['<rootDir>/test/package']), globalSetup: ESM_BUILD },
    // superjson and its dependencies ship only ES modules.
    withEsmPackages(project('bench', ['<rootDir>/bench/test']), ['superjson', 'copy-anything', 'is-what']),
  ],
  testTimeout: 20_000,
};

export default config;
