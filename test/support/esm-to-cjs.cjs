// A jest transform for packages that ship only ES modules (Nest 12, superjson): jest's
// CommonJS runtime cannot load them (it supports require(esm) from Node 24.9 on only),
// so they are rewritten to CommonJS with esbuild as they load. Node itself needs none of
// this: outside jest, the packages' CommonJS builds load them with require(esm).
//
// Why esbuild and not ts-jest: ES modules use `import.meta.url` (Nest's lazy loaders call
// `createRequire(import.meta.url)`) and `import()`, which TypeScript's CommonJS output
// leaves as they are, and which a CommonJS module cannot run.
//
// A .cjs file: jest loads transforms with its own loader, which does not compile TypeScript.
'use strict';

const { createHash } = require('node:crypto');
const { transformSync, version } = require('esbuild');

/** @param {string} source @param {string} filename */
function toCommonJs(source, filename) {
  const { code, map } = transformSync(source, {
    loader: 'js',
    format: 'cjs',
    target: 'node20',
    platform: 'node',
    sourcefile: filename,
    sourcemap: 'external',
    // `import()` as `require()`: jest runs no `import()` without --experimental-vm-modules.
    supported: { 'dynamic-import': false },
    // `import.meta.url` as the module's own file URL, as Node would give it.
    define: { 'import.meta.url': '__esmToCjsUrl' },
    banner: 'var __esmToCjsUrl = require("node:url").pathToFileURL(__filename).href;',
  });
  return { code, map };
}

/** @param {string} source @param {string} filename */
function getCacheKey(source, filename) {
  return createHash('sha1').update(`esm-to-cjs 2 esbuild ${version}\0${filename}\0${source}`).digest('hex');
}

// jest calls the transform `process`: a name this module leaves to Node's global.
module.exports = { process: toCommonJs, getCacheKey };
