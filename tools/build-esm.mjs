// Builds the ES module copy of every package (`packages/<name>/dist/esm/*.mjs`), beside
// the CommonJS build `tsc -b` makes, for bundlers: they load it through the `module` and
// `browser` export conditions and can tree-shake it, which CommonJS defeats.
//
// Why a script and not a second tsconfig per package: ES modules want fully specified
// relative imports (`./errors.mjs`), and TypeScript writes specifiers as the sources give
// them (`./errors`). One program over all packages emits every file with a transformer
// that spells each relative specifier out. Files are `.mjs`, so no nested package.json
// (which bundlers would read in place of the package's own `browser` map and
// `sideEffects`) is needed to mark them. Only files whose text changed are written.
//
// Usage: `node tools/build-esm.mjs [--force]` (`pnpm build` runs it after `tsc -b`, and
// the browser and package tests before they start, so what they bundle is never stale).
// It does nothing when no source is newer than the last build (`dist/esm/.built`).
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = join(ROOT, 'packages');

/** The packages whose `package.json` names an ESM build (`module` field). */
function packagesWithEsm() {
  return readdirSync(PACKAGES).filter((name) => {
    const file = join(PACKAGES, name, 'package.json');
    return existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).module !== undefined;
  });
}

function sourcesOf(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return sourcesOf(path);
    return d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** `./errors` → `./errors.mjs`, `./codec` → `./codec/index.mjs`; anything else as it is. */
function fullySpecified(specifier, fromFile) {
  if (!specifier.startsWith('.')) return specifier;
  const target = resolve(dirname(fromFile), specifier);
  if (existsSync(`${target}.ts`)) return `${specifier}.mjs`;
  if (existsSync(join(target, 'index.ts'))) return `${specifier}/index.mjs`;
  throw new Error(`${relative(ROOT, fromFile)}: cannot resolve ${specifier}`);
}

/** After TypeScript's own transforms: spell out the relative specifiers of imports, exports and `import()`. */
function specifierTransformer(context) {
  const f = context.factory;
  return (sourceFile) => {
    const rewrite = (literal) => f.createStringLiteral(fullySpecified(literal.text, sourceFile.fileName));
    const visit = (node) => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        return f.updateImportDeclaration(node, node.modifiers, node.importClause, rewrite(node.moduleSpecifier), node.attributes);
      }
      if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
        return f.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, rewrite(node.moduleSpecifier), node.attributes);
      }
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments.length === 1) {
        const [arg] = node.arguments;
        if (ts.isStringLiteral(arg)) return f.updateCallExpression(node, node.expression, node.typeArguments, [rewrite(arg)]);
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitNode(sourceFile, visit);
  };
}

function compilerOptions() {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.base.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  return {
    ...parsed.options,
    module: ts.ModuleKind.ES2022,
    rootDir: PACKAGES,
    outDir: join(ROOT, '.esm-build'), // never written: emitted files are redirected below
    composite: false,
    incremental: false,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    noEmitOnError: false,
  };
}

const stampOf = (name) => join(PACKAGES, name, 'dist', 'esm', '.built');

/** True when some package's sources (or this script) changed since its last ESM build. */
function stale(names, files) {
  const built = Math.min(...names.map((name) => (existsSync(stampOf(name)) ? statSync(stampOf(name)).mtimeMs : 0)));
  return [fileURLToPath(import.meta.url), ...files].some((file) => statSync(file).mtimeMs > built);
}

function build(force) {
  const names = packagesWithEsm();
  const files = names.flatMap((name) => sourcesOf(join(PACKAGES, name, 'src')));
  if (!force && !stale(names, files)) return;
  const options = compilerOptions();
  const program = ts.createProgram(files, options);
  let written = 0;
  const writeFile = (file, text) => {
    // <outDir>/<name>/src/x.js → packages/<name>/dist/esm/x.mjs
    const [name, src, ...rest] = relative(options.outDir, file.replace(/\.js$/, '.mjs')).split(sep);
    if (src !== 'src') throw new Error(`unexpected output ${file}`);
    const target = join(PACKAGES, name, 'dist', 'esm', ...rest);
    if (existsSync(target) && readFileSync(target, 'utf8') === text) return;
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    written += 1;
  };
  const result = program.emit(undefined, writeFile, undefined, false, { after: [specifierTransformer] });
  if (result.emitSkipped) throw new Error('the ESM build emitted nothing');
  for (const name of names) writeFileSync(stampOf(name), `${new Date().toISOString()}\n`);
  process.stdout.write(`build-esm: ${files.length} modules of ${names.join(', ')}; ${written} files written\n`);
}

build(process.argv.includes('--force'));
