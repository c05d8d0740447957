import 'reflect-metadata';
import type { TypeDescriptor, TypeThunk } from './type-spec';

/** Where `@NetField` keeps a class's own field declarations (reflect-metadata key). */
const FIELDS_KEY = 'oon:fields';

/** A field as `@NetField` recorded it, before its type is resolved against a registry. */
export interface FieldDeclaration {
  readonly key: string;
  readonly wireName: string;
  /** The explicit type, if one was given. */
  readonly type: TypeThunk | TypeDescriptor | undefined;
  /** What TypeScript emitted as `design:type`, used when no explicit type was given. */
  readonly designType: unknown;
  /** Wire names the field had before, read into it from a peer that still uses them. */
  readonly aliases?: readonly string[];
}

/** Adds or replaces one of a class's own field declarations. */
export function recordFieldDeclaration(ctor: Function, field: FieldDeclaration): void {
  const own = ownFieldDeclarations(ctor);
  // A fresh array each time: a subclass must never push into its parent's list.
  Reflect.defineMetadata(FIELDS_KEY, [...own.filter((f) => f.key !== field.key), field], ctor);
}

/** The fields a class declares itself (not those it inherits), as `@NetField` recorded them. */
export function ownFieldDeclarations(ctor: Function): readonly FieldDeclaration[] {
  return Reflect.getOwnMetadata(FIELDS_KEY, ctor) ?? [];
}
