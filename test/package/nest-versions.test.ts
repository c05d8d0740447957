/**
 * @oon/nestjs with each Nest major its peer range names (`^11.0.0 || ^12.0.0`), as a user
 * installs it: the packed packages with plain npm, into a project outside the workspace
 * per Nest version, where the built Nest app of test/fixtures/nest-app (a microservice
 * listening with OonTransport, and a client app calling it through OonClientProxy) runs.
 * One build of the app (CommonJS) meets Nest 11 (CommonJS) and Nest 12 (ES modules only,
 * loaded with require(esm), as a Nest 12 app written in CommonJS loads it).
 *
 * Fails when npm refuses the peer range for a version, or a call's result differs from
 * the other version's. Needs the build (`pnpm test` runs `tsc -b` first) and the npm
 * registry (or npm's cache), for Nest.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '../support/node-process';
import { installProject, packPackages } from '../support/pack';
import { PUBLIC_PACKAGES, ROOT } from '../support/packages';

const APP = join(ROOT, 'test', 'fixtures', 'nest-app', 'dist');
/** What the client prints, whichever Nest runs it. */
const EXPECTED = [
  'class pattern: Receipt true for RushOrder R1 x2',
  'string pattern, Observable: packed(true) shipped(true) delivered(true)',
  'RpcException: BadData NOT_CANCELLABLE',
  'invalid payload: BadData true',
  'event: P1 true 2026-01-02T03:04:05.000Z',
  'done',
];

let work: string;
let tarballs: Record<string, string>;
const timings: string[] = [];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'oon-nest-'));
  const start = Date.now();
  const needed = PUBLIC_PACKAGES.filter((p) => ['@oon/core', '@oon/wire', '@oon/server', '@oon/client', '@oon/nestjs'].includes(p.name));
  tarballs = packPackages(join(work, 'tarballs'), needed);
  timings.push(`pack ${((Date.now() - start) / 1000).toFixed(1)} s`);
}, 60_000);

afterAll(() => {
  process.stdout.write(`nest-versions: ${timings.join(', ')}\n`);
  rmSync(work, { recursive: true, force: true });
});

describe.each([11, 12])('with Nest %i', (major) => {
  const project = (): string => join(work, `nest${major}`);

  beforeAll(() => {
    const start = Date.now();
    const nest = Object.fromEntries(['common', 'core', 'microservices'].map((name) => [`@nestjs/${name}`, `^${major}.0.0`]));
    installProject(project(), { ...tarballs, ...nest, rxjs: '^7.8.2', 'reflect-metadata': '^0.2.2', 'class-transformer': '^0.5.1', 'class-validator': '^0.15.1' });
    cpSync(APP, join(project(), 'app'), { recursive: true, filter: (file) => !file.endsWith('.map') && !file.endsWith('.d.ts') });
    timings.push(`npm install (Nest ${major}) ${((Date.now() - start) / 1000).toFixed(1)} s`);
  }, 60_000);

  it(`installs Nest ${major} under the peer range`, () => {
    const core = JSON.parse(readFileSync(join(project(), 'node_modules', '@nestjs', 'core', 'package.json'), 'utf8')) as { version: string; type?: string };
    expect(core.version.split('.')[0]).toBe(String(major));
    expect(core.type ?? 'commonjs').toBe(major >= 12 ? 'module' : 'commonjs');
    expect(readdirSync(join(project(), 'node_modules', '@oon')).sort()).toEqual(['client', 'core', 'nestjs', 'server', 'wire']);
  });

  it('runs a Nest microservice on OonTransport and a Nest client app calling it through OonClientProxy', async () => {
    const server = runNode(join(project(), 'app', 'server.js'), ['0'], { withStderr: true });
    try {
      const [, port] = await server.nextLine(/^listening (\d+)$/);
      const client = runNode(join(project(), 'app', 'client.js'), [port as string], { withStderr: true });
      expect(await client.exited).toBe(0);
      expect(client.lines).toEqual(EXPECTED);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    expect(server.lines).toContain('closed');
  }, 30_000);
});
