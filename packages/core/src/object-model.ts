import { BadDataError } from './errors';
import type { ClassSchema } from './field-type';

/**
 * Builds a fresh instance of a schema's class with `new Ctor()`, so field initializers
 * and the constructor run and methods work on what arrives. Fields are assigned by the
 * codec afterwards, declared fields only.
 */
export function createInstance(schema: ClassSchema): Record<string, unknown> {
  try {
    return new schema.ctor() as Record<string, unknown>;
  } catch (cause) {
    throw new BadDataError(
      `cannot revive ${schema.name}: \`new ${schema.ctor.name}()\` threw (${String(cause)}); its constructor must work with no arguments`,
      { cause },
    );
  }
}

/** Tells whether `candidate` is `base` or extends it, so a field typed `Car` may carry a `VolvoCar`. */
export function isSameOrSubclass(candidate: Function, base: Function): boolean {
  return candidate === base || candidate.prototype instanceof base;
}
