/** A class OON can revive: it must build with `new Ctor()` and no arguments. */
export type NetClassType<T extends object = object> = new () => T;

/** An enum: a TypeScript `enum` or an `as const` record whose members are strings or numbers. */
export type EnumObject = { readonly [member: string]: string | number };

/** Marks the descriptors made by {@link t}, so they are told apart from enum objects at run time. */
const SPEC = Symbol.for('oon.type-spec');

/** The kinds of value that need no further description. */
export type PrimitiveKind = 'number' | 'int' | 'float' | 'string' | 'boolean' | 'null' | 'json';

/** A primitive type descriptor, made by {@link t}. */
export interface PrimitiveSpec {
  readonly [SPEC]: true;
  readonly kind: PrimitiveKind;
}

/** An array type descriptor, made by {@link t.array}. */
export interface ArraySpec {
  readonly [SPEC]: true;
  readonly kind: 'array';
  readonly of: TypeSpec;
}

/**
 * What a field's type may be given as: a descriptor from {@link t}, a primitive
 * constructor (`Number`, `String`, `Boolean`), a `@NetClass` class, an enum object
 * registered with `registerEnum`, or `[spec]` for an array of `spec` (a one-element
 * array literal; TypeScript infers it as an array, so the type says array).
 */
export type TypeSpec =
  | PrimitiveSpec
  | ArraySpec
  | NumberConstructor
  | StringConstructor
  | BooleanConstructor
  | NetClassType
  | EnumObject
  | readonly TypeSpec[];

/** A type given lazily, so a field may name a class declared later in the file (or in a module that imports this one). */
export type TypeThunk = () => TypeSpec;

function primitive(kind: PrimitiveKind): PrimitiveSpec {
  return Object.freeze({ [SPEC]: true as const, kind });
}

/**
 * Type descriptors for `@NetField`, for the cases `design:type` cannot tell.
 *
 * @example
 * ```ts
 * @NetField(t.float) x = 0;              // written as 1.0, as Python writes floats
 * @NetField(t.array(Number)) numbers: number[] = [];
 * @NetField(t.json) table: Record<string, unknown> | null = null;
 * ```
 */
export const t = {
  /** A JavaScript number, written as JSON writes it (`2`, `2.5`). */
  number: primitive('number'),
  /** An integer; anything else is refused with `BadData`. */
  int: primitive('int'),
  /** A float, always written with a fraction (`-2.0`), as Python's `json` does. */
  float: primitive('float'),
  /** A string. */
  string: primitive('string'),
  /** A boolean. */
  boolean: primitive('boolean'),
  /** A field that only ever holds `null` (the origin's `nothing = None`). */
  null: primitive('null'),
  /** Any plain JSON value (objects, arrays, primitives), carried as it is. */
  json: primitive('json'),
  /** An array whose elements are all of type `of`. */
  array(of: TypeSpec): ArraySpec {
    return Object.freeze({ [SPEC]: true as const, kind: 'array', of });
  },
} as const;

/** Tells a descriptor made by {@link t} from any other type spec. */
export function isTypeDescriptor(value: unknown): value is PrimitiveSpec | ArraySpec {
  return typeof value === 'object' && value !== null && SPEC in value;
}
