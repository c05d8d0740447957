/**
 * What OON honours of class-transformer's decorators, read from its metadata storage so
 * a class that already carries them is not decorated twice (docs/types.md):
 *
 * - `@Exclude()` on a property drops that `@NetField` (in either direction: a field not
 *   sent is not read either);
 * - `@Exclude()` on a class keeps only the `@NetField`s that also carry `@Expose()`;
 * - `@Type(() => X)` gives a field's type when `@NetField()` gives none: `X`, or an
 *   array, `Set` or string-keyed `Map` of `X` when the property is typed as one.
 */
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import type { TypeSpec } from './type-spec';

interface TypeMetadata {
  readonly typeFunction: () => unknown;
}

/** The part of class-transformer's `MetadataStorage` OON reads. */
interface TransformerStorage {
  findTypeMetadata(target: Function, propertyName: string): TypeMetadata | undefined;
  findExcludeMetadata(target: Function, propertyName: string): object | undefined;
  findExposeMetadata(target: Function, propertyName: string): object | undefined;
  getStrategy(target: Function): 'excludeAll' | 'exposeAll' | 'none';
}

// The storage is a module singleton of class-transformer's CommonJS build, which is what
// Node loads for both `import` and `require` (the package has no `exports` map). Browser
// bundlers load its `module` build (esm5) instead, which has a store of its own: core's
// package.json `browser` field sends this import there, so OON reads the store the
// user's decorators wrote to (else an `@Exclude()` would be silently ignored). An import
// rather than a `require()`, so that core's ES module build needs no `require` (Rollup,
// and so Vite, leave one in an ES module as it is, and a page has none); the file is
// named with its extension, as an ES module in Node must.
const storage: TransformerStorage = defaultMetadataStorage;

/** True when the property carries `@Type()`; its thunk is not called (it may name a class declared later). */
export function hasTransformerType(ctor: Function, key: string): boolean {
  return storage.findTypeMetadata(ctor, key) !== undefined;
}

/** The element type `@Type(() => X)` gives a property, if it has one. */
export function transformerType(ctor: Function, key: string): TypeSpec | undefined {
  const meta = storage.findTypeMetadata(ctor, key);
  return meta === undefined ? undefined : (meta.typeFunction() as TypeSpec);
}

/** True when class-transformer says the property is not serialised. */
export function isTransformerExcluded(ctor: Function, key: string): boolean {
  if (storage.findExcludeMetadata(ctor, key) !== undefined) return true;
  return hasExcludeAllStrategy(ctor) && storage.findExposeMetadata(ctor, key) === undefined;
}

function hasExcludeAllStrategy(ctor: Function): boolean {
  for (let c: unknown = ctor; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    if (storage.getStrategy(c) === 'excludeAll') return true;
  }
  return false;
}
