/**
 * Every TypeScript snippet in README.md and docs/*.md, and every `@example` in the doc
 * comments of packages/<name>/src, compiles as a user would paste it
 * into a project that depends on @oon/* (resolved through node_modules to the built
 * packages, so only their public entry points are reachable).
 *
 * The words after ```ts say how a snippet is checked:
 * - (none): a module, type-checked as ESM (`module: NodeNext`; relative imports end in `.js`);
 * - `cjs`: type-checked as CommonJS (`module: commonjs`);
 * - `run`: type-checked as ESM, then run with node; it must exit 0 on its own;
 * - `fragment`: deliberately partial (names things it does not declare): only parsed.
 * A snippet whose first line is a comment naming a file (`// cars.ts`) is saved under
 * that name, so the page's other snippets import it (`./cars.js`). A snippet whose first
 * line names a file of the repository (`// examples/reconnect/src/client.ts (abridged)`)
 * is a copy of it: its lines appear in that file in order (the file itself is compiled by
 * `tsc -b` and run by its own tests).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { ROOT } from '../support/packages';

/** One fenced TypeScript block of a page. */
interface Snippet {
  readonly page: string;
  /** Line of the page where the code starts (after the fence), 1-based. */
  readonly line: number;
  readonly flags: readonly string[];
  readonly code: string;
}

const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
/** Sources whose doc comments hold `@example` blocks, checked the same way (typedoc shows them). */
const SOURCES = readdirSync(join(ROOT, 'packages')).flatMap((p) =>
  readdirSync(join(ROOT, 'packages', p, 'src'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `packages/${p}/src/${f}`),
);
const FLAGS = new Set(['cjs', 'run', 'fragment']);
const REPO_FILE = /^\/\/ ((?:examples|packages|bench|tools|test)\/[\w./-]+\.ts)\b/;
const OWN_FILE = /^\/\/ ([\w-]+\.ts)\b/;

function snippets(page: string): Snippet[] {
  // In a source file, the blocks are inside doc comments: drop each line's ` * `.
  const raw = readFileSync(join(ROOT, page), 'utf8');
  const text = page.endsWith('.ts') ? raw.replace(/^[ \t]*\* ?/gm, '') : raw;
  const out: Snippet[] = [];
  for (const m of text.matchAll(/^```(?:ts|typescript)([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm)) {
    const line = text.slice(0, m.index).split('\n').length + 1;
    const flags = (m[1] ?? '').trim().split(/\s+/).filter(Boolean);
    out.push({ page, line, flags, code: m[2] ?? '' });
  }
  return out;
}

const ALL = [...PAGES, ...SOURCES].flatMap(snippets);
const where = (s: Snippet): string => `${s.page}:${s.line}`;
const copies = ALL.filter((s) => REPO_FILE.test(s.code));
const fragments = ALL.filter((s) => !copies.includes(s) && s.flags.includes('fragment'));
const compiled = ALL.filter((s) => !copies.includes(s) && !fragments.includes(s));

let work: string;
/** Where each compiled snippet was written, by `where()`. */
const files = new Map<string, string>();

function fileFor(s: Snippet, flavour: string): string {
  const name = s.code.match(OWN_FILE)?.[1] ?? `snippet-${s.line}.ts`;
  return join(work, flavour, s.page.replace(/[/.]/g, '_'), name);
}

/** Type-checks (and emits) every snippet of one flavour; returns `page:line: message` per error. */
function check(flavour: 'esm' | 'cjs'): string[] {
  const chosen = compiled.filter((s) => (flavour === 'cjs') === s.flags.includes('cjs'));
  // A CommonJS snippet may import a named module of its page (`./cars`): compile that here too.
  if (flavour === 'cjs') {
    for (const s of [...chosen]) {
      for (const m of s.code.matchAll(/from '\.\/([\w-]+)(?:\.js)?'/g)) {
        const named = compiled.find((o) => o.page === s.page && o.code.match(OWN_FILE)?.[1] === `${m[1]}.ts`);
        if (named !== undefined && !chosen.includes(named)) chosen.push(named);
      }
    }
  }
  mkdirSync(join(work, flavour), { recursive: true });
  writeFileSync(join(work, flavour, 'package.json'), JSON.stringify({ type: flavour === 'esm' ? 'module' : 'commonjs' }));
  const byFile = new Map<string, Snippet>();
  for (const s of chosen) {
    const file = fileFor(s, flavour);
    if (byFile.has(file)) throw new Error(`${where(s)} and ${where(byFile.get(file)!)} are both ${basename(file)}`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, s.code);
    byFile.set(file, s);
    if (!files.has(where(s))) files.set(where(s), file);
  }
  const program = ts.createProgram([...byFile.keys()], {
    target: ts.ScriptTarget.ES2022,
    module: flavour === 'esm' ? ts.ModuleKind.NodeNext : ts.ModuleKind.CommonJS,
    moduleResolution: flavour === 'esm' ? ts.ModuleResolutionKind.NodeNext : ts.ModuleResolutionKind.Node10,
    moduleDetection: ts.ModuleDetectionKind.Force,
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules', '@types')],
    rootDir: join(work, flavour),
    outDir: join(work, flavour, 'dist'),
  });
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...program.emit().diagnostics];
  return diagnostics.map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const s = d.file && byFile.get(d.file.fileName);
    if (!d.file || !s || d.start === undefined) return `${d.file?.fileName ?? '?'}: ${text}`;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${s.page}:${s.line + line}: ${text}`;
  });
}

beforeAll(() => {
  // Inside node_modules/.cache, so `@oon/*` resolve through the root's node_modules as a user's would.
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  work = mkdtempSync(join(cache, 'oon-snippets-'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('TypeScript snippets of README.md, docs/ and doc comments', () => {
  it('are found, and every ```ts flag is known', () => {
    expect(compiled.length).toBeGreaterThan(5);
    expect(ALL.flatMap((s) => s.flags.filter((f) => !FLAGS.has(f)).map((f) => `${where(s)}: ${f}`))).toEqual([]);
  });

  it('type-check as ESM, and as CommonJS where marked `cjs`', () => {
    if (!existsSync(join(ROOT, 'packages', 'core', 'dist', 'index.d.ts'))) throw new Error('packages are not built: run `tsc -b` (pnpm test does) first');
    expect([...check('esm'), ...check('cjs')]).toEqual([]);
  }, 60_000);

  const runs = compiled.filter((s) => s.flags.includes('run'));
  (runs.length > 0 ? it.each : it.skip.each)(runs.map((s) => [where(s), s] as const))('%s runs to completion', async (_, s) => {
    const file = files.get(where(s));
    if (file === undefined) throw new Error(`${where(s)} was not compiled`);
    const flavour = relative(work, file).split(/[/\\]/)[0] as string;
    const js = join(work, flavour, 'dist', relative(join(work, flavour), file)).replace(/\.ts$/, '.js');
    await expect(promisify(execFile)(process.execPath, [js], { timeout: 15_000 })).resolves.toBeDefined();
  });

  it('parse where marked `fragment`', () => {
    const errors = fragments.flatMap((s) => {
      const out = ts.transpileModule(s.code, { reportDiagnostics: true, fileName: 'fragment.ts' });
      return (out.diagnostics ?? []).map((d) => `${where(s)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    });
    expect(errors).toEqual([]);
  });

  it('that copy a file of the repository show its lines, in order', () => {
    const errors = copies.flatMap((s) => {
      const path = (s.code.match(REPO_FILE) as RegExpMatchArray)[1] as string;
      if (!existsSync(join(ROOT, path))) return [`${where(s)}: ${path} does not exist`];
      const source = readFileSync(join(ROOT, path), 'utf8').split('\n').map((l) => l.trim());
      let at = 0;
      for (const [i, raw] of s.code.split('\n').slice(1).entries()) {
        const line = raw.trim();
        if (line === '' || line === '// …' || line === '// ...') continue;
        const found = source.indexOf(line, at);
        if (found < 0) return [`${s.page}:${s.line + 1 + i}: not in ${path} (after its line ${at}): ${line}`];
        at = found + 1;
      }
      return [];
    });
    expect(errors).toEqual([]);
  });
});
