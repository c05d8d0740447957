import 'reflect-metadata';
import { defaultRegistry, type Registry } from './registry';
import { recordFieldDeclaration, type FieldDeclaration } from './field-metadata';
import { isTypeDescriptor, type NetClassType, type TypeDescriptor, type TypeThunk } from './type-spec';
import { hasTransformerType } from './transformer-metadata';

/** Options of {@link NetField}. */
export interface NetFieldOptions {
  /** The field's name on the wire. @default the property name */
  name?: string;
  /** The field's type, where `design:type` cannot tell it (arrays, enums, floats, classes declared later). */
  type?: TypeThunk | TypeDescriptor;
  /**
   * Wire names this field had before (a rename): a peer still sending an old name is
   * read into this field (docs/evolution.md). The current name wins over an alias.
   */
  aliases?: readonly string[];
}

/** Options of {@link NetClass}. */
export interface NetClassOptions {
  /** The class's name on the wire; stable across renames and minifiers. @default the class name */
  name?: string;
  /** The registry to register in. @default defaultRegistry */
  registry?: Registry;
  /**
   * Track instances of this class by identity: one reached twice in a message is sent
   * once and arrives as one object, and cycles through it are allowed. Costs a lookup
   * per instance sent. @default false
   */
  references?: boolean;
  /**
   * Wire names this class had before (a rename): a peer still sending an old name is
   * read as this class (docs/evolution.md). A class registered under that name wins.
   */
  aliases?: readonly string[];
}

/**
 * Declares a property as a field sent over the network.
 *
 * The type comes from TypeScript's `design:type` for properties typed plainly
 * `number`, `string`, `boolean`, `Date`, `bigint`, `Uint8Array`/`Buffer` or a class. Give
 * it explicitly for nullable fields (`speed: number | null` is emitted as `Object`: use
 * `t.number`), arrays (`() => [Car]`), maps and sets (`() => t.map(String, Car)`),
 * optional fields (`t.optional(t.string)`), enums (`() => CarMark`), floats (`t.float`),
 * free JSON (`t.json`), and classes declared later in the file (`() => Car`). A
 * class-transformer `@Type(() => Car)` written below `@NetField()` gives the type too.
 * Every field may hold `null`.
 *
 * @example
 * ```ts run
 * import { NetClass, NetField, t } from '@oon/core';
 *
 * @NetClass()
 * class Car {
 *   @NetField(t.number) speed: number | null = null; // a union: give its type
 * }
 *
 * @NetClass()
 * class TrucTrailer {
 *   @NetField(() => Car, { name: 'car_inside' }) carInside: Car | null = null;
 *   @NetField({ name: 'car_count' }) carCount: number = 0; // annotated: read from its metadata
 * }
 * ```
 */
export function NetField(options?: NetFieldOptions): PropertyDecorator;
export function NetField(type: TypeThunk | TypeDescriptor, options?: Omit<NetFieldOptions, 'type'>): PropertyDecorator;
export function NetField(
  typeOrOptions?: TypeThunk | TypeDescriptor | NetFieldOptions,
  maybeOptions: NetFieldOptions = {},
): PropertyDecorator {
  const options: NetFieldOptions =
    typeof typeOrOptions === 'function' || isTypeDescriptor(typeOrOptions)
      ? { ...maybeOptions, type: typeOrOptions }
      : (typeOrOptions ?? {});
  return (prototype: object, key: string | symbol): void => {
    const ctor = prototype.constructor;
    if (typeof key !== 'string') {
      throw new TypeError(`@NetField on ${ctor.name}: symbol-keyed properties cannot be sent`);
    }
    if (RESERVED_KEYS.has(key)) {
      throw new TypeError(`@NetField on ${ctor.name}.${key}: \`${key}\` cannot be a field, since assigning it would change the object's prototype or class`);
    }
    const designType: unknown = Reflect.getMetadata('design:type', prototype, key);
    if (options.type === undefined && !hasTransformerType(ctor, key)) checkDesignType(`${ctor.name}.${key}`, designType);
    const aliases = checkAliases(`@NetField on ${ctor.name}.${key}`, options.aliases);
    const field: FieldDeclaration = { key, wireName: options.name ?? key, type: options.type, designType, aliases };
    recordFieldDeclaration(ctor, field);
  };
}

/** Property names revival never assigns, whatever a class declares. */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Refuses, at decoration time, a field whose type cannot be known from `design:type` alone. */
function checkDesignType(where: string, designType: unknown): void {
  if (designType === Array) {
    throw new TypeError(`${where} is an array: give its element type, as in @NetField(() => [Number])`);
  }
  if (designType === Map) {
    throw new TypeError(`${where} is a Map: give its key and value types, as in @NetField(() => t.map(String, Car))`);
  }
  if (designType === Set) {
    throw new TypeError(`${where} is a Set: give its element type, as in @NetField(() => t.set(Number))`);
  }
  if (designType === undefined || designType === Object || typeof designType !== 'function') {
    throw new TypeError(
      `${where}: its type cannot be read from TypeScript's metadata: give it, as in @NetField(t.number), @NetField(() => Car) or @NetField(t.json). (TypeScript emits Object for a union such as \`number | null\`, and for a type it infers when it compiles file by file: annotate \`flag: boolean = false\`)`,
    );
  }
}

/**
 * Registers a class so its instances can be sent and revived.
 *
 * Revival builds objects with `new Ctor()` and then assigns declared fields, so the
 * class needs a constructor that works with no arguments (give every parameter a
 * default, as the origin required). The wire name defaults to the class name; a
 * second class with the same wire name in one registry is refused with a
 * `StartFail` error naming both.
 *
 * @example
 * ```ts run
 * import { NetClass, NetField, registerEnum, t } from '@oon/core';
 *
 * enum CarMark { Volvo, Toyota, Ford }
 * registerEnum(CarMark, 'CarMark');
 *
 * @NetClass()
 * class Car {
 *   @NetField(() => CarMark) mark: CarMark | null = null;
 *   @NetField(t.number) speed: number | null = null; // `number | null` is Object to TypeScript's metadata
 * }
 * ```
 */
export function NetClass(nameOrOptions: string | NetClassOptions = {}): <C extends NetClassType>(target: C) => void {
  const options = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : nameOrOptions;
  return (target) => {
    const aliases = checkAliases(`@NetClass on ${target.name}`, options.aliases);
    (options.registry ?? defaultRegistry).register(target, options.name, { references: options.references ?? false, aliases });
  };
}

/** An alias list as given, frozen; a mistake in it is a `TypeError` at decoration time. */
function checkAliases(where: string, aliases: readonly string[] | undefined): readonly string[] {
  if (aliases === undefined) return NO_ALIASES;
  if (!Array.isArray(aliases) || !aliases.every((a) => typeof a === 'string' && a.length > 0)) {
    throw new TypeError(`${where}: aliases must be an array of non-empty strings (the wire names it had before)`);
  }
  return Object.freeze([...aliases]);
}

const NO_ALIASES: readonly string[] = Object.freeze([]);
