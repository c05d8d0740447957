/**
 * Bundles a page for the browser with esbuild, as an app's build would: platform
 * `browser`, no polyfills or shims, `@oon/*` resolved as published (their package.json
 * `browser` maps included). A Node built-in reached from the page fails the bundle.
 */
import { gzipSync } from 'node:zlib';
import { build, type BuildFailure, type Metafile } from 'esbuild';

/** A bundled page and what went into it. */
export interface BrowserBundle {
  /** The IIFE script. */
  readonly code: string;
  /** Bytes of the script, minified when asked. */
  readonly bytes: number;
  /** Bytes of the script gzipped (level 9). */
  readonly gzipBytes: number;
  /** Each input file (paths relative to the repo) and the bytes it adds to the output. */
  readonly inputs: ReadonlyMap<string, number>;
}

/** Options of {@link bundleForBrowser}. */
export interface BundleOptions {
  /** Minify, to measure what a production build ships. @default false */
  minify?: boolean;
}

/**
 * Bundles `entry` (a TypeScript file) into one script. Rejects naming each Node built-in
 * (or other module) the browser build cannot resolve, and the file that imports it.
 */
export async function bundleForBrowser(entry: string, options: BundleOptions = {}): Promise<BrowserBundle> {
  const minify = options.minify ?? false;
  let result;
  try {
    result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      minify,
      sourcemap: minify ? false : 'inline',
      write: false,
      metafile: true,
      logLevel: 'silent',
      // esbuild applies legacy decorators and emits no `design:type`: every field names its type.
      tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: true } },
    });
  } catch (err) {
    const failure = err as BuildFailure;
    if (!Array.isArray(failure.errors)) throw err;
    const lines = failure.errors.map((e) => `${e.location?.file ?? '?'}: ${e.text}`);
    throw new Error(`${entry} does not bundle for the browser (no Node built-ins, no polyfills):\n${lines.join('\n')}`);
  }
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error(`esbuild wrote nothing for ${entry}`);
  return {
    code: output.text,
    bytes: output.contents.byteLength,
    gzipBytes: gzipSync(output.contents, { level: 9 }).byteLength,
    inputs: inputsOf(result.metafile),
  };
}

function inputsOf(metafile: Metafile): Map<string, number> {
  const inputs = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) inputs.set(file, bytesInOutput);
  }
  return inputs;
}

/** The npm package an input file belongs to (`class-validator`, `@oon/wire`), or `undefined` for the repo's own sources. */
export function packageOf(file: string): string | undefined {
  const match = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (match !== null) return match[1];
  const workspace = /^packages\/([^/]+)\//.exec(file);
  return workspace === null ? undefined : `@oon/${workspace[1]}`;
}
