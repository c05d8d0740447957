/**
 * Where `@NetField` keeps each class's own field declarations, in both of TypeScript's
 * decorator forms (docs/types.md, "Decorators: legacy and standard"):
 *
 * - a legacy decorator gets the class (through its prototype), so its field is recorded
 *   on the class at once;
 * - a standard (TC39) field decorator runs before its class exists, and knows neither
 *   the class nor its name: it leaves a binder in the class's decorator metadata
 *   object, and `@NetClass` (which runs after the fields) or the first schema built
 *   runs it with the class.
 *
 * A `WeakMap` rather than reflect-metadata keeps the declarations, so core needs no
 * `Reflect` polyfill of its own.
 */
import type { TypeDescriptor, TypeThunk } from './type-spec';

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

/** Declares a standard decorator's field on its class, once the class is known; throws a `TypeError` naming both when the field cannot be sent. */
export type FieldBinder = (ctor: Function) => void;

const declarations = new WeakMap<Function, readonly FieldDeclaration[]>();

// TypeScript's emit gives standard decorators a metadata object only where
// `Symbol.metadata` exists (not in Node 20, nor in most browsers), and its handbook asks
// for the symbol to be defined; esbuild falls back to `Symbol.for('Symbol.metadata')`,
// so defining it as that key keeps code from either compiler on one object.
if (typeof (Symbol as { metadata?: unknown }).metadata !== 'symbol') {
  Object.defineProperty(Symbol, 'metadata', { value: Symbol.for('Symbol.metadata'), configurable: true });
}
const METADATA: symbol = (Symbol as unknown as { metadata: symbol }).metadata;

/** Where a standard field decorator leaves its binder in the class's metadata object. */
const PENDING = Symbol('oon.pendingFields');

/** Adds or replaces one of a class's own field declarations. */
export function recordFieldDeclaration(ctor: Function, field: FieldDeclaration): void {
  const own = declarations.get(ctor) ?? [];
  // A fresh array each time: a subclass must never push into its parent's list.
  declarations.set(ctor, [...own.filter((f) => f.key !== field.key), field]);
}

/** The fields a class declares itself (not those it inherits), as `@NetField` recorded them. */
export function ownFieldDeclarations(ctor: Function): readonly FieldDeclaration[] {
  // A class registered by hand (not with @NetClass) may still hold standard fields unbound.
  bindOwn(ctor, ownMetadata(ctor));
  return declarations.get(ctor) ?? [];
}

/**
 * Leaves a standard field decorator's binder in its class's metadata object. A
 * subclass's metadata object inherits from its parent's, so only own binders are kept
 * here, and read back with `Object.hasOwn`.
 */
export function deferFieldDeclaration(metadata: object, binder: FieldBinder): void {
  const record = metadata as Record<symbol, FieldBinder[] | undefined>;
  const own = Object.hasOwn(record, PENDING) ? record[PENDING] : undefined;
  if (own !== undefined) own.push(binder);
  else Object.defineProperty(record, PENDING, { value: [binder], configurable: true });
}

/**
 * Runs the standard field decorators' binders a class and its ancestors left, ancestors
 * first (an undecorated base class's fields are bound when a subclass is registered).
 * `metadata` is the class's own metadata object: `@NetClass` runs before the class
 * carries it as `Symbol.metadata`.
 */
export function bindFieldDeclarations(ctor: Function, metadata: object | undefined): void {
  const ancestors: Function[] = [];
  for (let c: unknown = Object.getPrototypeOf(ctor); typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    ancestors.unshift(c);
  }
  for (const c of ancestors) bindOwn(c, ownMetadata(c));
  bindOwn(ctor, metadata);
}

function bindOwn(ctor: Function, metadata: object | undefined): void {
  if (metadata === undefined || !Object.hasOwn(metadata, PENDING)) return;
  const binders = (metadata as Record<symbol, FieldBinder[]>)[PENDING] ?? [];
  delete (metadata as Record<symbol, unknown>)[PENDING];
  for (const bind of binders) bind(ctor);
}

/** The metadata object standard decorators gave this class itself (not one it inherits). */
function ownMetadata(ctor: Function): object | undefined {
  if (!Object.hasOwn(ctor, METADATA)) return undefined;
  const metadata: unknown = (ctor as unknown as Record<symbol, unknown>)[METADATA];
  return typeof metadata === 'object' && metadata !== null ? metadata : undefined;
}
