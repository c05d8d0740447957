/**
 * Packing the public packages and installing the tarballs into a project outside the
 * workspace, as a user does, for the package tests (test/package/pack-install.test.ts,
 * test/package/nest-versions.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLIC_PACKAGES, ROOT, type PublicPackage } from './packages';

const PNPM = '10.34.9';

/** Runs `command` in `cwd` and returns its stdout; a failure's error holds the command's output. */
export function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}${e.stderr ?? ''}${e.message}`);
  }
}

/** pnpm itself when the suite runs under it, else the pinned version through npx. */
export function pnpm(args: string[], cwd: string): string {
  const execPath = process.env['npm_execpath'] ?? '';
  return /pnpm/.test(execPath) ? run(process.execPath, [execPath, ...args], cwd) : run('npx', ['--yes', `pnpm@${PNPM}`, ...args], cwd);
}

/**
 * Packs `packages` (every public one by default) into `destination` with pnpm, which
 * writes real version ranges for `workspace:`. Returns each package's tarball as a
 * `file:` dependency for a project beside `destination`.
 */
export function packPackages(destination: string, packages: readonly PublicPackage[] = PUBLIC_PACKAGES): Record<string, string> {
  const filters = packages.flatMap((p) => ['--filter', `./${p.dir}`]);
  pnpm(['-r', ...filters, 'pack', '--pack-destination', destination], ROOT);
  const folder = destination.split(/[/\\]/).at(-1) as string;
  return Object.fromEntries(
    packages.map((p) => {
      const { version } = JSON.parse(readFileSync(join(ROOT, p.dir, 'package.json'), 'utf8')) as { version: string };
      return [p.name, `file:../${folder}/${p.name.replace('@', '').replace('/', '-')}-${version}.tgz`];
    }),
  );
}

/** Makes `dir` a project with these dependencies and installs them with plain npm (from its cache when it can). */
export function installProject(dir: string, dependencies: Record<string, string>, devDependencies: Record<string, string> = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'oon-user', private: true, dependencies, devDependencies }, null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], dir);
}
