/**
 * Bundles the page for the browser with esbuild when the server starts, from
 * `src/page/main.ts`: what a Vite or esbuild build of an app does, in one call.
 */
import { join } from 'node:path';
import { build } from 'esbuild';

/** The example's folder (the server runs from `dist/`). */
export const EXAMPLE_ROOT = join(__dirname, '..');

/** The page's script: `src/page/main.ts` and what it imports, as one minified IIFE. */
export async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [join(EXAMPLE_ROOT, 'src', 'page', 'main.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    // The cars example's classes go by their class names on the wire (`@NetClass()`):
    // minified, they would be renamed and no longer match the server's.
    keepNames: true,
    write: false,
    logLevel: 'warning',
    // The page's classes use TypeScript's decorators; esbuild emits no `design:type`, so
    // every field names its type (src/fleet.ts).
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: true } },
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild wrote no bundle');
  return output.text;
}
