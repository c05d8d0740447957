/**
 * The public surface of each package is a committed list (`public-api.txt`, and
 * `internal-api.txt` for `@oon/wire/internal`), one `kind name` a line: adding, removing or
 * retyping an export is a one-line diff there. `UPDATE_API_LISTS=1` rewrites the lists.
 *
 * Also checks that each ESM wrapper re-exports exactly the CommonJS build's bindings, so
 * `import` and `require` see the same names.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { PUBLIC_PACKAGES, ROOT, type PackageEntry } from '../support/packages';

const ENTRIES: readonly PackageEntry[] = PUBLIC_PACKAGES.flatMap((p) => p.entries);
const UPDATE = process.env['UPDATE_API_LISTS'] === '1';

/** The kind a list line gives a symbol: what a reader of the API needs to tell apart. */
function kindOf(symbol: ts.Symbol): string {
  const f = symbol.flags;
  if (f & ts.SymbolFlags.Class) return 'class';
  if (f & ts.SymbolFlags.Enum) return 'enum';
  if (f & ts.SymbolFlags.Function) return 'function';
  if (f & ts.SymbolFlags.Variable) return f & ts.SymbolFlags.TypeAlias ? 'const+type' : 'const';
  if (f & ts.SymbolFlags.Interface) return 'interface';
  if (f & ts.SymbolFlags.TypeAlias) return 'type';
  return 'other';
}

/** `kind name` lines of every export of each entry, read from its source by the compiler. */
function exportedNames(): Map<string, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.test.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (config === undefined) throw new Error('tsconfig.test.json unreadable');
  const program = ts.createProgram(
    ENTRIES.map((e) => join(ROOT, e.source)),
    config.options,
  );
  const checker = program.getTypeChecker();
  const lists = new Map<string, string[]>();
  for (const entry of ENTRIES) {
    const file = program.getSourceFile(join(ROOT, entry.source));
    const module = file && checker.getSymbolAtLocation(file);
    if (module === undefined) throw new Error(`${entry.source}: no module symbol`);
    const lines = checker.getExportsOfModule(module).map((s) => {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      return `${kindOf(target)} ${s.name}`;
    });
    lists.set(entry.specifier, lines.sort((a, b) => a.split(' ')[1]!.localeCompare(b.split(' ')[1]!)));
  }
  return lists;
}

/** The value names a built entry exports, through `require` and through `import`. */
function runtimeNames(entry: PackageEntry): { cjs: string[]; esm: string[] } {
  const cjs = join(ROOT, entry.cjs);
  const esm = join(ROOT, entry.esm);
  if (!existsSync(cjs)) throw new Error(`${entry.cjs} is not built: run \`tsc -b\` (pnpm test does) first`);
  const script = `
    import { createRequire } from 'node:module';
    const esm = await import(${JSON.stringify(pathToFileURL(esm).href)});
    const cjs = createRequire(import.meta.url)(${JSON.stringify(cjs)});
    console.log(JSON.stringify({ cjs: Object.keys(cjs).filter((k) => k !== '__esModule'), esm: Object.keys(esm).filter((k) => k !== 'default') }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const names = JSON.parse(out) as { cjs: string[]; esm: string[] };
  return { cjs: names.cjs.sort(), esm: names.esm.sort() };
}

const lists = exportedNames();

describe.each(ENTRIES.map((e) => [e.specifier, e] as const))('%s', (_specifier, entry) => {
  const actual = lists.get(entry.specifier) ?? [];

  it(`exports exactly the names listed in ${entry.names}`, () => {
    const file = join(ROOT, entry.names);
    const text = `${actual.join('\n')}\n`;
    if (UPDATE) writeFileSync(file, text);
    const committed = existsSync(file) ? readFileSync(file, 'utf8') : '';
    // On a difference, the message names the lines to add (+) or drop (-).
    const want = new Set(committed.split('\n').filter(Boolean));
    const have = new Set(actual);
    const diff = [...[...have].filter((l) => !want.has(l)).map((l) => `+ ${l}`), ...[...want].filter((l) => !have.has(l)).map((l) => `- ${l}`)];
    expect({ file: entry.names, diff }).toEqual({ file: entry.names, diff: [] });
  });

  it('exports the same values through require and import (its .mjs wrapper lists every one)', () => {
    const values = actual
      .filter((l) => /^(class|enum|function|const|const\+type) /.test(l))
      .map((l) => l.split(' ')[1] as string)
      .sort();
    const { cjs, esm } = runtimeNames(entry);
    expect({ entry: entry.cjs, names: cjs }).toEqual({ entry: entry.cjs, names: values });
    expect({ entry: entry.esm, names: esm }).toEqual({ entry: entry.esm, names: values });
  });
});
