/**
 * A page importing @oon/core and @oon/client bundles for the browser with esbuild as an
 * app's build would (platform browser, no polyfills): no Node built-in is reached, and
 * class-validator is not dragged in by the wire's lazy load. Prints the size min+gzip.
 */
import { join } from 'node:path';
import { bundleForBrowser, packageOf } from '../support/browser-bundle';

const MINIMAL_PAGE = join(__dirname, 'fixtures', 'minimal-page.ts');

/** The bound the min+gzip size must stay under (docs/browser.md gives the figure). */
const MAX_GZIP_BYTES = 48 * 1024;

describe('a browser bundle of @oon/core and @oon/client', () => {
  it('needs no Node built-in, leaves class-validator out, and stays within its size bound', async () => {
    const bundle = await bundleForBrowser(MINIMAL_PAGE, { minify: true });
    const byPackage = new Map<string, number>();
    for (const [file, bytes] of bundle.inputs) {
      if (bytes === 0) continue;
      const name = packageOf(file) ?? 'page';
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytes);
    }
    const shares = [...byPackage].sort((a, b) => b[1] - a[1]).map(([name, bytes]) => `${name} ${bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`}`);
    console.log(`browser bundle (core + client): ${(bundle.bytes / 1024).toFixed(1)} KB min, ${(bundle.gzipBytes / 1024).toFixed(1)} KB min+gzip; min by package: ${shares.join(', ')}`);

    expect([...byPackage.keys()].filter((name) => ['class-validator', 'validator', 'libphonenumber-js', 'ws'].includes(name))).toEqual([]);
    expect(bundle.code).not.toMatch(/require\(["']node:/);
    // The JSON codec and the origin's wire come in only with useJsonCodec() (its value helpers are the binary codec's too).
    const json = [...bundle.inputs].filter(([file, bytes]) => bytes > 0 && /\/(codec\/json\/(?!json-values)|json-document-splitter)/.test(file));
    expect(json.map(([file]) => file)).toEqual([]);
    expect(bundle.gzipBytes).toBeLessThanOrEqual(MAX_GZIP_BYTES);
  }, 30_000);
});
