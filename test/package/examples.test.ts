/**
 * examples/ are projects a user can copy: each depends on @oon/* through its package.json
 * (as a user's project would, through node_modules), imports only public entry points,
 * and is type-checked by CI because the root tsconfig.json builds it (`tsc -b`, the
 * first step of `pnpm test`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/packages';

const EXAMPLES = readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

describe.each(EXAMPLES)('examples/%s', (name) => {
  const dir = join(ROOT, 'examples', name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const sources = readdirSync(join(dir, 'src')).filter((f) => f.endsWith('.ts'));
  const imports = sources.flatMap((f) =>
    [...readFileSync(join(dir, 'src', f), 'utf8').matchAll(/^import [^;]*?from '([^']+)'/gm)].map((m) => `${f}: ${m[1] as string}`),
  );

  it('is built, so type-checked, by the root tsconfig.json', () => {
    const root = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { references: Array<{ path: string }> };
    expect(root.references.map((r) => r.path)).toContain(`examples/${name}`);
  });

  it('imports only public entry points of packages its package.json names', () => {
    const wrong = imports.filter((line) => {
      const specifier = line.split(': ')[1] as string;
      if (specifier.startsWith('./') || specifier.startsWith('node:')) return false;
      const pkgName = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] as string);
      return specifier !== pkgName || pkg.dependencies?.[pkgName] === undefined;
    });
    expect(wrong).toEqual([]);
  });
});
