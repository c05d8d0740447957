/**
 * Jest `globalSetup` of the projects that load the packages as published (browser pages
 * bundled by esbuild, the packed tarballs): brings each package's ES module build
 * (`dist/esm`, which bundlers load) up to date with its sources, as `tsc -b` does the
 * CommonJS one, so a test never bundles code older than the sources. It returns at once
 * when nothing changed.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function buildEsm(): void {
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'tools', 'build-esm.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
}
