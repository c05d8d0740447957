/** A class OON can revive: it must build with `new Ctor()` and no arguments. */
export type NetClassType<T extends object = object> = new () => T;

/** An enum: a TypeScript `enum` or an `as const` record whose members are strings or numbers. */
export type EnumObject = { readonly [member: string]: string | number };

/** Marks the descriptors made by {@link t}, so they are told apart from enum objects at run time. */
const SPEC = Symbol.for('oon.type-spec');

/** The kinds of value that need no further description. */
export type PrimitiveKind = 'number' | 'int' | 'float' | 'string' | 'boolean' | 'null' | 'json' | 'date' | 'bigint' | 'bytes';

/** A primitive type descriptor, made by {@link t}. */
export interface PrimitiveSpec {
  /** Brands a descriptor made by {@link t}, to tell it from an enum object. @internal */
  readonly [SPEC]: true;
  /** Which primitive. */
  readonly kind: PrimitiveKind;
}

/** An array type descriptor, made by {@link t.array}. */
export interface ArraySpec {
  /** Brands a descriptor made by {@link t}, to tell it from an enum object. @internal */
  readonly [SPEC]: true;
  /** Always `array`. */
  readonly kind: 'array';
  /** The element type. */
  readonly of: TypeSpec;
}

/** A set type descriptor, made by {@link t.set}. */
export interface SetSpec {
  /** Brands a descriptor made by {@link t}, to tell it from an enum object. @internal */
  readonly [SPEC]: true;
  /** Always `set`. */
  readonly kind: 'set';
  /** The element type. */
  readonly of: TypeSpec;
}

/** What a map's keys may be: strings or numbers (`t.int` for integer keys). */
export type MapKeySpec = StringConstructor | NumberConstructor | PrimitiveSpec;

/** A map type descriptor, made by {@link t.map}. */
export interface MapSpec {
  /** Brands a descriptor made by {@link t}, to tell it from an enum object. @internal */
  readonly [SPEC]: true;
  /** Always `map`. */
  readonly kind: 'map';
  /** The key type. */
  readonly key: MapKeySpec;
  /** The value type. */
  readonly value: TypeSpec;
}

/** A descriptor that wraps another type: {@link t.optional} or {@link t.nullable}. */
export interface WrapperSpec {
  /** Brands a descriptor made by {@link t}, to tell it from an enum object. @internal */
  readonly [SPEC]: true;
  /** `optional` (the field may be absent) or `nullable` (it may be `null`). */
  readonly kind: 'optional' | 'nullable';
  /** The wrapped type. */
  readonly of: TypeSpec;
}

/** Any descriptor made by {@link t}. */
export type TypeDescriptor = PrimitiveSpec | ArraySpec | SetSpec | MapSpec | WrapperSpec;

/**
 * What a field's type may be given as: a descriptor from {@link t}, a constructor
 * TypeScript knows (`Number`, `String`, `Boolean`, `Date`, `BigInt`, `Uint8Array`,
 * `Buffer`), a `@NetClass` class, an enum object registered with `registerEnum`, or
 * `[spec]` for an array of `spec` (a one-element array literal; TypeScript infers it
 * as an array, so the type says array).
 */
export type TypeSpec =
  | TypeDescriptor
  | NumberConstructor
  | StringConstructor
  | BooleanConstructor
  | DateConstructor
  | BigIntConstructor
  | Uint8ArrayConstructor
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
 * ```ts run
 * import { NetClass, NetField, t } from '@oon/core';
 *
 * @NetClass()
 * class Car {}
 *
 * @NetClass()
 * class Garage {
 *   @NetField(t.float) x = 0; // written as 1.0, as Python writes floats
 *   @NetField(t.array(Number)) numbers: number[] = [];
 *   @NetField(() => t.map(String, [Car])) fleets = new Map<string, Car[]>();
 *   @NetField(t.optional(t.date)) soldAt?: Date;
 *   @NetField(t.json) table: Record<string, unknown> | null = null;
 * }
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
  /** A `Date` (its millisecond time; an invalid date is refused). Inferred from `design:type` `Date`. */
  date: primitive('date'),
  /** A `bigint`, of any size. Inferred from `design:type` `BigInt`. */
  bigint: primitive('bigint'),
  /** Bytes: a `Uint8Array` or `Buffer` is sent, a `Buffer` (a `Uint8Array`) arrives. Inferred from `Uint8Array`/`Buffer`. */
  bytes: primitive('bytes'),
  /** An array whose elements are all of type `of`; `[of]` says the same. */
  array(of: TypeSpec): ArraySpec {
    return Object.freeze({ [SPEC]: true as const, kind: 'array', of });
  },
  /** A `Set` whose elements are all of type `of`. */
  set(of: TypeSpec): SetSpec {
    return Object.freeze({ [SPEC]: true as const, kind: 'set', of });
  },
  /** A `Map` from `key` (`String`, `Number`, `t.string`, `t.number` or `t.int`) to `value`. */
  map(key: MapKeySpec, value: TypeSpec): MapSpec {
    return Object.freeze({ [SPEC]: true as const, kind: 'map', key, value });
  },
  /**
   * A value of type `of` that may be `undefined`: an `undefined` field is sent as absent
   * and arrives as `undefined` (not `null`, and not the field's initial value).
   */
  optional(of: TypeSpec): WrapperSpec {
    return Object.freeze({ [SPEC]: true as const, kind: 'optional', of });
  },
  /** A value of type `of` or `null`. Every field already accepts `null`; this only says so. */
  nullable(of: TypeSpec): WrapperSpec {
    return Object.freeze({ [SPEC]: true as const, kind: 'nullable', of });
  },
} as const;

/** Tells a descriptor made by {@link t} from any other type spec. */
export function isTypeDescriptor(value: unknown): value is TypeDescriptor {
  return typeof value === 'object' && value !== null && SPEC in value;
}
