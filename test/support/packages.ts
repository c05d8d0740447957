/**
 * The published packages and their entry points, as the package tests (public names,
 * pack-and-install, API reference) see them.
 */
import { join } from 'node:path';

/** The repository's root folder. */
export const ROOT = join(__dirname, '..', '..');

/** One entry point of a published package: `@oon/wire` or `@oon/wire/internal`. */
export interface PackageEntry {
  /** The specifier a user imports: `@oon/wire/internal`. */
  readonly specifier: string;
  /** The TypeScript source of the entry, from the root. */
  readonly source: string;
  /** The CommonJS build the `require` condition names, from the root. */
  readonly cjs: string;
  /** The ESM wrapper the `import` condition names, from the root. */
  readonly esm: string;
  /** The committed list of its exported names, from the root. */
  readonly names: string;
}

/** A published package: its folder (from the root) and its entry points. */
export interface PublicPackage {
  readonly name: string;
  readonly dir: string;
  readonly entries: readonly PackageEntry[];
}

function entry(dir: string, specifier: string, base: string, wrapper: string, list: string): PackageEntry {
  return {
    specifier,
    source: `${dir}/src/${base}.ts`,
    cjs: `${dir}/dist/${base}.js`,
    esm: `${dir}/${wrapper}`,
    names: `${dir}/${list}`,
  };
}

function publicPackage(short: string, internal = false): PublicPackage {
  const dir = `packages/${short}`;
  const name = `@oon/${short}`;
  const entries = [entry(dir, name, 'index', 'wrapper.mjs', 'public-api.txt')];
  if (internal) entries.push(entry(dir, `${name}/internal`, 'internal', 'internal.mjs', 'internal-api.txt'));
  return { name, dir, entries };
}

/** Every package published to npm, in dependency order. */
export const PUBLIC_PACKAGES: readonly PublicPackage[] = [
  publicPackage('core'),
  publicPackage('wire', true),
  publicPackage('server'),
  publicPackage('client'),
  publicPackage('redis'),
  publicPackage('nestjs'),
];
