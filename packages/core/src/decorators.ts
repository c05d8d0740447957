// Legacy decorators read `design:type` through reflect-metadata, which must be loaded
// before the user's classes are defined: Node users have always had it from core. A
// browser bundle leaves it out (package.json `browser` maps it to nothing): 4.4 KB
// min+gzip of polyfill that standard decorators and esbuild/Vite builds never use.
import 'reflect-metadata';
import { defaultRegistry, type Registry } from './registry';
import { bindFieldDeclarations, deferFieldDeclaration, recordFieldDeclaration } from './field-metadata';
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
 * Works as a legacy (`experimentalDecorators`) and as a standard (TC39) decorator. Only
 * TypeScript's `emitDecoratorMetadata` and SWC's `decoratorMetadata` emit `design:type`:
 * with standard decorators, esbuild or Vite, every field gives its type, and one without
 * is refused with a `TypeError` when its class is declared. A standard `@NetField`'s
 * checks run when `@NetClass` does (a field decorator does not know its class).
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
export function NetField(options?: NetFieldOptions): NetFieldDecorator;
export function NetField(type: TypeThunk | TypeDescriptor, options?: Omit<NetFieldOptions, 'type'>): NetFieldDecorator;
export function NetField(
  typeOrOptions?: TypeThunk | TypeDescriptor | NetFieldOptions,
  maybeOptions: NetFieldOptions = {},
): NetFieldDecorator {
  const options: NetFieldOptions =
    typeof typeOrOptions === 'function' || isTypeDescriptor(typeOrOptions)
      ? { ...maybeOptions, type: typeOrOptions }
      : (typeOrOptions ?? {});
  return (prototypeOrValue: object | undefined, keyOrContext: string | symbol | ClassFieldDecoratorContext): void => {
    if (typeof keyOrContext === 'object' && keyOrContext !== null) {
      deferStandardField(options, keyOrContext);
      return;
    }
    const target = prototypeOrValue as object;
    if (typeof target === 'function') {
      // A legacy decorator on a static property gets the class itself, not its prototype.
      throw new TypeError(`@NetField on ${target.name}.${String(keyOrContext)}: ${STATIC_FIELD}`);
    }
    declareField(target.constructor, keyOrContext, options, designTypeOf(target, keyOrContext), 'legacy');
  };
}

/**
 * What `@NetField(…)` returns: a field decorator in either of TypeScript's forms, told
 * apart at run time by the arguments it is called with.
 */
export interface NetFieldDecorator {
  /** Legacy form (`experimentalDecorators`): the class's prototype and the property name. */
  (prototype: object, key: string | symbol): void;
  /** Standard (TC39) form, TypeScript 5 without `experimentalDecorators`: no value, and the field's context. */
  <This, Value>(value: undefined, context: ClassFieldDecoratorContext<This, Value>): void;
}

const STATIC_FIELD = 'a static field belongs to the class, not to the instances sent';

/** Which decorator form declared a field: only the legacy one can carry `design:type`. */
type DecoratorForm = 'legacy' | 'standard';

/**
 * A standard field decorator knows neither its class nor the class's name: it leaves its
 * field in the decorator metadata for `@NetClass` (which runs after the fields) to
 * declare, so that every refusal names class and field as the legacy form's do.
 */
function deferStandardField(options: NetFieldOptions, context: ClassFieldDecoratorContext): void {
  const name = String(context.name);
  if ((context as { kind: string }).kind !== 'field') {
    throw new TypeError(`@NetField on ${name}: it decorates a class field (this is a ${(context as { kind: string }).kind})`);
  }
  if (typeof context.metadata !== 'object' || context.metadata === null) {
    throw new TypeError(
      `@NetField on ${name}: the decorator has no metadata object to keep the field in; import @oon/core before the classes, so that it defines Symbol.metadata first`,
    );
  }
  deferFieldDeclaration(context.metadata, (ctor) => {
    if (context.private) {
      throw new TypeError(`@NetField on ${ctor.name}.${name}: a private field cannot be sent, since revival assigns fields from outside the class`);
    }
    if (context.static) throw new TypeError(`@NetField on ${ctor.name}.${name}: ${STATIC_FIELD}`);
    declareField(ctor, context.name, options, undefined, 'standard');
  });
}

/** Checks one field and records it on its class; a mistake is a `TypeError` naming class and field. */
function declareField(ctor: Function, key: string | symbol, options: NetFieldOptions, designType: unknown, form: DecoratorForm): void {
  if (typeof key !== 'string') {
    throw new TypeError(`@NetField on ${ctor.name}: symbol-keyed properties cannot be sent`);
  }
  if (RESERVED_KEYS.has(key)) {
    throw new TypeError(`@NetField on ${ctor.name}.${key}: \`${key}\` cannot be a field, since assigning it would change the object's prototype or class`);
  }
  if (options.type === undefined) {
    if (!hasTransformerType(ctor, key)) checkDesignType(`${ctor.name}.${key}`, designType, form);
    else if (designType === undefined) {
      // @Type gives an element type; design:type says whether the field holds one, an array, a Set or a Map of it.
      throw new TypeError(
        `${ctor.name}.${key}: @Type() gives only an element type, and with no design:type metadata it cannot tell one from an array, Set or Map of it: give the whole type in @NetField, as in @NetField(() => [Wheel]) or @NetField(() => Wheel) (${METADATA_SETTINGS})`,
      );
    }
  }
  const aliases = checkAliases(`@NetField on ${ctor.name}.${key}`, options.aliases);
  recordFieldDeclaration(ctor, { key, wireName: options.name ?? key, type: options.type, designType, aliases });
}

/** The part of reflect-metadata core reads, where it is loaded. */
const reflect = Reflect as { getMetadata?: (metadataKey: string, target: object, property: string | symbol) => unknown };

/** `design:type` as TypeScript's legacy emit recorded it; read through reflect-metadata only where it is loaded. */
function designTypeOf(prototype: object, key: string | symbol): unknown {
  return hasReflectMetadata() ? reflect.getMetadata?.('design:type', prototype, key) : undefined;
}

function hasReflectMetadata(): boolean {
  return typeof reflect.getMetadata === 'function';
}

/** Property names revival never assigns, whatever a class declares. */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** How to give a type explicitly: the same advice in every refusal. */
const EXAMPLES = 'as in @NetField(t.number), @NetField(t.int), @NetField(() => Car) or @NetField(t.json)';

/** Where `design:type` comes from, and which compilers and bundlers never emit it. */
const METADATA_SETTINGS =
  "design:type exists only with TypeScript's `experimentalDecorators` and `emitDecoratorMetadata`, or SWC's `jsc.transform.decoratorMetadata`, read through reflect-metadata; esbuild and Vite never emit it, whatever their settings";

/** Refuses, at decoration time, a field whose type cannot be known from `design:type` alone. */
function checkDesignType(where: string, designType: unknown, form: DecoratorForm): void {
  if (designType === Array) {
    throw new TypeError(`${where} is an array: give its element type, as in @NetField(() => [Number])`);
  }
  if (designType === Map) {
    throw new TypeError(`${where} is a Map: give its key and value types, as in @NetField(() => t.map(String, Car))`);
  }
  if (designType === Set) {
    throw new TypeError(`${where} is a Set: give its element type, as in @NetField(() => t.set(Number))`);
  }
  if (designType === undefined) {
    const why = form === 'standard' ? 'standard decorators carry no design:type metadata' : 'no design:type metadata was emitted for it';
    // A browser bundle leaves reflect-metadata out of core (package.json `browser`): say so to a legacy user who relied on it.
    const unloaded = form === 'legacy' && !hasReflectMetadata() ? "; reflect-metadata is not loaded here: `import 'reflect-metadata'` before the classes" : '';
    throw new TypeError(`${where}: ${why}, so the field's type must be given explicitly, ${EXAMPLES} (${METADATA_SETTINGS}${unloaded})`);
  }
  if (designType === Object || typeof designType !== 'function') {
    throw new TypeError(
      `${where}: its type cannot be read from TypeScript's metadata: give it explicitly, ${EXAMPLES}. (TypeScript emits Object for a union such as \`number | null\`, and for a type it infers when it compiles file by file: annotate \`flag: boolean = false\`)`,
    );
  }
}

/**
 * Registers a class so its instances can be sent and revived.
 *
 * Revival builds objects with `new Ctor()` and then assigns declared fields, so the
 * class needs a constructor that works with no arguments (give every parameter a
 * default, as the origin required). The wire name defaults to the class name (which a
 * minifier may rename: name classes in a minified bundle); a second class with the same
 * wire name in one registry is refused with a `StartFail` error naming both. Works as a
 * legacy and as a standard (TC39) decorator.
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
export function NetClass(nameOrOptions: string | NetClassOptions = {}): NetClassDecorator {
  const options = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : nameOrOptions;
  return (target, context) => {
    if (context !== undefined) {
      // TypeScript's types keep @NetClass off members; plain JavaScript may not.
      if ((context as { kind?: unknown }).kind !== 'class') throw new TypeError('@NetClass decorates a class, not a class member');
      bindFieldDeclarations(target, context.metadata);
    }
    const aliases = checkAliases(`@NetClass on ${target.name}`, options.aliases);
    (options.registry ?? defaultRegistry).register(target, options.name, { references: options.references ?? false, aliases });
  };
}

/**
 * What `@NetClass(…)` returns: a class decorator in either of TypeScript's forms (legacy:
 * the class alone; standard: the class and its context). Either way the class must
 * build with `new Ctor()`.
 */
export type NetClassDecorator = <C extends NetClassType>(target: C, context?: ClassDecoratorContext<C>) => void;

/** An alias list as given, frozen; a mistake in it is a `TypeError` at decoration time. */
function checkAliases(where: string, aliases: readonly string[] | undefined): readonly string[] {
  if (aliases === undefined) return NO_ALIASES;
  if (!Array.isArray(aliases) || !aliases.every((a) => typeof a === 'string' && a.length > 0)) {
    throw new TypeError(`${where}: aliases must be an array of non-empty strings (the wire names it had before)`);
  }
  return Object.freeze([...aliases]);
}

const NO_ALIASES: readonly string[] = Object.freeze([]);
