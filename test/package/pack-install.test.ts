/**
 * Installs OON the way a user does: packs every public package with pnpm (which writes
 * real version ranges for `workspace:`), installs the tarballs with plain npm into an
 * empty project outside the workspace, and there compiles and runs a server and a client
 * (test/package/user-project) once as CommonJS and once as ESM (`module: NodeNext`).
 *
 * Fails when a tarball still says `workspace:`, lacks its README or LICENSE, a built file
 * requires a package its package.json does not declare, a second copy of
 * class-transformer or @oon/core is installed or loaded, an entry point misses a listed
 * export through `require` or `import`, or the revived objects are not real instances.
 * Then bundles from the installed packages with esbuild, as an app's build does: a page
 * for the browser and the two programs for Node, which must take the ES module build
 * (`module` condition) with its `browser` swaps, and still revive real instances; and
 * builds a plain JavaScript page with Vite, run where only browser globals exist.
 *
 * Needs the build (`pnpm test` runs `tsc -b` first) and the npm registry, for the
 * third-party packages the project installs.
 */
import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { build, type Metafile } from 'esbuild';
import { runNode } from '../support/node-process';
import { installProject, packPackages, run } from '../support/pack';
import { PUBLIC_PACKAGES, ROOT } from '../support/packages';

const FIXTURE = join(__dirname, 'user-project');
const MINIMAL_PAGE = join(ROOT, 'test', 'browser', 'fixtures', 'minimal-page.ts');
const VITE_PAGE = join(__dirname, 'vite-page', 'page.mjs');
/** The Vite the project builds a page with (Rollup's resolution: `module` condition, `browser` map). */
const VITE = '^8.4.0';
const TSC = require.resolve('typescript/bin/tsc', { paths: [ROOT] });

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  exports?: Record<string, unknown>;
}

let work: string;
const timings: string[] = [];

function timed<T>(label: string, run: () => T): T {
  const start = Date.now();
  try {
    return run();
  } finally {
    timings.push(`${label} ${((Date.now() - start) / 1000).toFixed(1)} s`);
  }
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)],
  );
}

function sizeOf(dir: string): number {
  return files(dir).reduce((sum, f) => sum + statSync(f).size, 0);
}

/** The package a bare specifier names (`@scope/name/sub` gives `@scope/name`), or undefined for relative and built-in ones. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Packages the built files of an installed package load (require) or name in types (import), that its package.json does not declare. */
function undeclared(dir: string): string[] {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
  const declared = new Set([pkg.name, ...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
  const missing = new Set<string>();
  for (const file of files(dir).filter((f) => /\.(c?js|mjs|d\.ts|d\.mts)$/.test(f))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:require\(|from |import\()\s*["']([^"']+)["']/g)) {
      const name = packageOf(m[1] as string);
      if (name !== undefined && !declared.has(name)) missing.add(`${pkg.name}: ${relative(dir, file)} loads ${name}`);
    }
  }
  return [...missing];
}

/** Value names each entry's committed list gives (classes, functions, consts, enums). */
function listedValues(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const entry of PUBLIC_PACKAGES.flatMap((p) => p.entries)) {
    out[entry.specifier] = readFileSync(join(ROOT, entry.names), 'utf8')
      .split('\n')
      .filter((l) => /^(class|enum|function|const|const\+type) /.test(l))
      .map((l) => l.split(' ')[1] as string)
      .sort();
  }
  return out;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'oon-pack-'));
  const tarballs = timed('pack', () => packPackages(join(work, 'tarballs')));
  const project = join(work, 'project');
  const dependencies = { 'class-transformer': '^0.5.1', 'reflect-metadata': '^0.2.2', ...tarballs };
  // npm installs the peers the packages name (@nestjs/*, rxjs for @oon/nestjs) by itself.
  timed('npm install', () => installProject(project, dependencies, { '@types/node': '^20.19.0', vite: VITE }));
  for (const [flavour, type, module] of [
    ['cjs', 'commonjs', 'commonjs'],
    ['esm', 'module', 'NodeNext'],
  ] as const) {
    const dir = join(project, flavour);
    cpSync(FIXTURE, join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module,
          strict: true,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          esModuleInterop: true,
          // Our .d.ts files are the same in both; checking them (and @types/node) once is enough.
          skipLibCheck: flavour === 'cjs',
          types: ['node'],
          rootDir: 'src',
          outDir: 'dist',
        },
      }),
    );
  }
}, 240_000);

afterAll(() => {
  // Figures for the record: how long each step took, what a user downloads and installs.
  const tarballs = join(work, 'tarballs');
  const sizes = readdirSync(tarballs).map((f) => `${f} ${(statSync(join(tarballs, f)).size / 1024).toFixed(1)} KiB`);
  const modules = join(work, 'project', 'node_modules');
  const oon = sizeOf(join(modules, '@oon'));
  const all = sizeOf(modules) - sizeOf(join(modules, '@types')) - sizeOf(join(modules, 'undici-types'));
  process.stdout.write(
    `pack-install: ${timings.join(', ')}\n  tarballs: ${sizes.join(', ')}\n` +
      `  installed: @oon/* ${(oon / 1024).toFixed(0)} KiB, with class-transformer, reflect-metadata, eventemitter3 and @redis/client ${(all / 1024).toFixed(0)} KiB (without @types/node)\n`,
  );
  rmSync(work, { recursive: true, force: true });
});

describe('the packed packages', () => {
  it('say real version ranges, not workspace:, and ship a README, LICENSE and CHANGELOG', () => {
    for (const p of PUBLIC_PACKAGES) {
      const dir = join(work, 'project', 'node_modules', p.name);
      const text = readFileSync(join(dir, 'package.json'), 'utf8');
      expect({ name: p.name, workspace: text.includes('workspace:') }).toEqual({ name: p.name, workspace: false });
      const shipped = readdirSync(dir).sort();
      expect({ name: p.name, shipped: shipped.filter((f) => /^(README\.md|LICENSE|CHANGELOG\.md)$/.test(f)) }).toEqual({
        name: p.name,
        shipped: ['CHANGELOG.md', 'LICENSE', 'README.md'],
      });
    }
  });

  it('say MIT, engines node >= 20, sideEffects false, and give each entry types for import and require, and an ES module build for bundlers', () => {
    for (const p of PUBLIC_PACKAGES) {
      const dir = join(work, 'project', 'node_modules', p.name);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson & Record<string, unknown>;
      type Condition = { types?: string; default?: string };
      const entries = Object.entries(pkg.exports ?? {}).filter(([key]) => key !== './package.json') as Array<[string, { module?: string; import?: Condition; require?: Condition }]>;
      const shipped = entries.flatMap(([, c]) => [c.module, c.import?.types, c.import?.default, c.require?.types, c.require?.default]);
      expect({ name: p.name, module: entries.map(([, c]) => c.module) }).toEqual({
        name: p.name,
        module: p.entries.map((e) => `./dist/esm/${e.cjs.slice(`${p.dir}/dist/`.length).replace(/\.js$/, '.mjs')}`),
      });
      expect({ name: p.name, license: pkg['license'], engines: pkg['engines'], sideEffects: pkg['sideEffects'] }).toEqual({
        name: p.name,
        license: 'MIT',
        engines: { node: '>=20' },
        sideEffects: false,
      });
      expect(entries.map(([key]) => key)).toEqual(p.entries.map((e) => `.${e.specifier.slice(p.name.length)}`));
      expect(shipped.filter((f) => f === undefined || !existsSync(join(dir, f)))).toEqual([]);
    }
  });

  it('declare every package their built files load', () => {
    const missing = PUBLIC_PACKAGES.flatMap((p) => undeclared(join(work, 'project', 'node_modules', p.name)));
    expect(missing).toEqual([]);
  });

  it('install one copy of class-transformer and of @oon/core', () => {
    const copies = files(join(work, 'project', 'node_modules'))
      .filter((f) => /[/\\]node_modules[/\\](class-transformer|@oon[/\\]core)[/\\]package\.json$/.test(f))
      .map((f) => relative(work, f));
    expect(copies.sort()).toEqual([
      join('project', 'node_modules', '@oon', 'core', 'package.json'),
      join('project', 'node_modules', 'class-transformer', 'package.json'),
    ]);
  });
});

describe.each(['cjs', 'esm'])('a %s project', (flavour) => {
  const dir = (): string => join(work, 'project', flavour);

  it('compiles against the packages (the ESM one with skipLibCheck off, so their .d.ts are checked)', () => {
    timed(`tsc ${flavour}`, () => run(process.execPath, [TSC, '-p', 'tsconfig.json'], dir()));
  });

  it('gets every listed export from every entry point', () => {
    const names = JSON.parse(run(process.execPath, ['dist/entries.js'], dir())) as Record<string, string[]>;
    expect(names).toEqual(listedValues());
  });

  it('runs a server and a client: the objects arrive revived, with one copy of class-transformer and @oon/core loaded', async () => {
    const server = runNode(join(dir(), 'dist', 'server.js'), [], { withStderr: true });
    const [, port] = await server.nextLine(/^port (\d+)$/);
    const client = runNode(join(dir(), 'dist', 'client.js'), [port as string], { withStderr: true });
    expect(await client.exited).toBe(0);
    expect(await server.exited).toBe(0);
    expect(server.lines).toEqual([
      `port ${port}`,
      'server got FordTruck with 2 wheels of 22/24 (instances: true)',
      'copies {"transformer":1,"core":1}',
    ]);
    expect(client.lines).toEqual(['client got received FordTruck (instance: true)', 'copies {"transformer":1,"core":1}']);
  });
});

describe('bundled by esbuild from the installed packages', () => {
  const project = (): string => join(work, 'project');
  /** Input files of a bundle under `node_modules`, relative to the project. */
  const packageInputs = (metafile: Metafile): string[] => Object.keys(metafile.inputs).filter((f) => f.startsWith('node_modules/'));

  it('for a page: the ES module build with its browser swaps, one copy of @oon/core and of class-transformer, no Node built-in', async () => {
    mkdirSync(join(project(), 'page'), { recursive: true });
    cpSync(MINIMAL_PAGE, join(project(), 'page', 'minimal-page.ts'));
    const { metafile } = await build({
      entryPoints: ['page/minimal-page.ts'],
      absWorkingDir: project(),
      bundle: true,
      platform: 'browser',
      format: 'iife',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
      tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: true } },
    });
    const inputs = packageInputs(metafile);
    const oon = inputs.filter((f) => f.startsWith('node_modules/@oon/'));
    expect(oon.filter((f) => !/^node_modules\/@oon\/(core|wire|client)\/dist\/esm\/.+\.mjs$/.test(f))).toEqual([]);
    expect(oon).toEqual(expect.arrayContaining(['node_modules/@oon/client/dist/esm/dial-browser.mjs', 'node_modules/@oon/core/dist/esm/registry.mjs']));
    expect(oon.filter((f) => /\/dial\.mjs$|\/class-validator-loader\.mjs$/.test(f))).toEqual([]);
    // core's import of class-transformer's store is sent to the build a page's own import loads.
    expect(inputs).toContain('node_modules/class-transformer/esm5/storage.js');
    expect(inputs.filter((f) => /\/class-transformer\/(?!esm5\/)/.test(f))).toEqual([]);
    expect(inputs.filter((f) => /^node_modules\/(ws|class-validator|reflect-metadata)\//.test(f))).toEqual([]);
  });

  it('for Node: a server and a client bundled one file each use the ES module build and still revive real instances', async () => {
    const dir = join(project(), 'esm');
    const bundled: Record<string, Metafile> = {};
    for (const name of ['server', 'client']) {
      const result = await build({
        entryPoints: [`dist/${name}.js`],
        absWorkingDir: dir,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        outfile: `bundled/${name}.cjs`,
        metafile: true,
        logLevel: 'silent',
      });
      bundled[name] = result.metafile;
    }
    const oon = Object.keys(bundled['server']?.inputs ?? {}).filter((f) => f.includes('node_modules/@oon/'));
    expect(oon.filter((f) => !/\/dist\/esm\/.+\.mjs$/.test(f))).toEqual([]);
    expect(oon).toEqual(expect.arrayContaining(['../node_modules/@oon/server/dist/esm/index.mjs', '../node_modules/@oon/core/dist/esm/registry.mjs']));

    const server = runNode(join(dir, 'bundled', 'server.cjs'), [], { withStderr: true });
    const [, port] = await server.nextLine(/^port (\d+)$/);
    const client = runNode(join(dir, 'bundled', 'client.cjs'), [port as string], { withStderr: true });
    expect(await client.exited).toBe(0);
    expect(await server.exited).toBe(0);
    // One bundle holds one copy of each package: nothing is left for Node to load twice.
    expect(server.lines.slice(0, 2)).toEqual([`port ${port}`, 'server got FordTruck with 2 wheels of 22/24 (instances: true)']);
    expect(client.lines.slice(0, 1)).toEqual(['client got received FordTruck (instance: true)']);
  });
});

describe('built by Vite from the installed packages', () => {
  it('takes the ES module build with its browser swaps, leaves the JSON codec out, and runs where only browser globals exist', () => {
    const project = join(work, 'project');
    mkdirSync(join(project, 'vite-page'), { recursive: true });
    cpSync(VITE_PAGE, join(project, 'vite-page', 'page.mjs'));
    // Vite ships only ES modules: it runs in a child process, as an app's build script would.
    const script = `
      import { build } from 'vite';
      const [output] = [await build({
        root: process.cwd(), configFile: false, logLevel: 'silent',
        build: { write: false, minify: true, lib: { entry: 'vite-page/page.mjs', formats: ['iife'], name: 'page', fileName: 'page' } },
      })].flat();
      const chunk = output.output.find((o) => o.type === 'chunk');
      console.log(JSON.stringify({ code: chunk.code, modules: Object.keys(chunk.modules) }));`;
    const { code, modules } = JSON.parse(run(process.execPath, ['--input-type=module', '-e', script], project)) as { code: string; modules: string[] };
    const oon = modules.map((m) => relative(project, m).replace(/\\/g, '/')).filter((m) => m.startsWith('node_modules/@oon/'));
    expect(oon.filter((m) => !/^node_modules\/@oon\/(core|wire|client)\/dist\/esm\/.+\.mjs$/.test(m))).toEqual([]);
    expect(oon).toContain('node_modules/@oon/client/dist/esm/dial-browser.mjs');
    expect(oon.filter((m) => /\/dial\.mjs$|\/codec\/json\/json-(codec|reader|writer)\.mjs$/.test(m))).toEqual([]);
    expect(code).not.toMatch(/\brequire\(/);

    const page = createContext({
      ...{ crypto: globalThis.crypto, TextEncoder, TextDecoder, URL, atob, btoa, AbortController, AbortSignal, console },
      ...{ queueMicrotask, setTimeout, clearTimeout, setInterval, clearInterval },
    });
    runInContext(code, page);
    expect((page as { pageResult?: unknown }).pageResult).toEqual({
      name: 'Position',
      fields: ['lat: float', 'lon: float'],
      refusal: "TypeError: in a browser OonClient connects over WebSocket only: pass url ('ws://host:port/path' or 'wss://…'), not host/port or path",
      client: true,
    });
  });
});
