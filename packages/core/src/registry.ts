import { BadDataError, StartFailError } from './errors';
import { ownFieldDeclarations, type FieldDeclaration } from './field-metadata';
import type { ClassSchema, EnumFieldType, FieldSchema, FieldType, MapFieldType } from './field-type';
import { isTransformerExcluded, transformerType } from './transformer-metadata';
import { isTypeDescriptor, t, type EnumObject, type MapKeySpec, type NetClassType, type TypeSpec } from './type-spec';

/** How a class was registered, beyond its name. */
export interface RegisterOptions {
  /** Track instances by identity (shared references and cycles). @default false */
  readonly references?: boolean;
  /** Wire names the class had before, read as it from a peer that still uses them. @default [] */
  readonly aliases?: readonly string[];
}

/**
 * Maps wire names to classes and enums, and builds each class's schema.
 *
 * Classes and enums share one namespace, as on the origin's wire, where both are
 * named by `"type"`. Use the {@link defaultRegistry} (what `@NetClass()` registers in)
 * or a `new Registry()` to keep a set of classes apart, in tests or in a process that
 * talks to two different peers.
 */
export class Registry {
  readonly #classesByName = new Map<string, NetClassType>();
  readonly #namesByClass = new Map<NetClassType, string>();
  readonly #enumsByName = new Map<string, EnumFieldType>();
  readonly #enumsByObject = new Map<EnumObject, EnumFieldType>();
  readonly #schemas = new Map<NetClassType, ClassSchema>();
  readonly #tracked = new Set<NetClassType>();
  readonly #aliases = new Map<NetClassType, readonly string[]>();
  #revision = 0;

  /**
   * Grows with every change: a class or enum registered, or a registered class given
   * other options. What is derived from a registry (its description for the handshake,
   * the hash a cluster's payloads carry) is cached against it.
   */
  get revision(): number {
    return this.#revision;
  }

  /** Registers a class under a wire name; registering the same class twice under one name is a no-op. */
  register(ctor: NetClassType, name: string = ctor.name, options: RegisterOptions = {}): void {
    if (options.references === true && !this.#tracked.has(ctor)) {
      this.#tracked.add(ctor);
      this.#optionsChanged(ctor);
    }
    if (options.aliases !== undefined && options.aliases.length > 0 && !sameNames(options.aliases, this.#aliases.get(ctor))) {
      this.#aliases.set(ctor, Object.freeze([...options.aliases]));
      this.#optionsChanged(ctor);
    }
    if (this.#namesByClass.get(ctor) === name) return;
    this.#claim(name, `class ${ctor.name}`);
    const previous = this.#namesByClass.get(ctor);
    if (previous !== undefined) {
      throw new StartFailError(`class ${ctor.name} is already registered as \`${previous}\`; a class has one wire name`);
    }
    this.#classesByName.set(name, ctor);
    this.#namesByClass.set(ctor, name);
    this.#revision += 1;
  }

  /** A class's schema holds its options: the one built before they changed is built again. */
  #optionsChanged(ctor: NetClassType): void {
    this.#schemas.delete(ctor);
    this.#revision += 1;
  }

  /**
   * Registers an enum (a TypeScript `enum` or an `as const` object) under a wire name,
   * since enums have no name at run time. Fields typed with it are then declared as
   * `@NetField(() => CarMark)`.
   */
  registerEnum(object: EnumObject, name: string): void {
    if (this.#enumsByObject.get(object)?.name === name) return;
    this.#claim(name, `enum ${name}`);
    const members = enumMembers(object);
    const type: EnumFieldType = { kind: 'enum', name, object, members, values: new Set(members.map(([, value]) => value)) };
    this.#enumsByName.set(name, type);
    this.#enumsByObject.set(object, type);
    this.#revision += 1;
  }

  /** The class registered under a wire name, if any. */
  classByName(name: string): NetClassType | undefined {
    return this.#classesByName.get(name);
  }

  /** The wire name of a registered class, if it is registered here. */
  nameOf(ctor: Function): string | undefined {
    return this.#namesByClass.get(ctor as NetClassType);
  }

  /** The enum registered under a wire name, if any. */
  enumByName(name: string): EnumFieldType | undefined {
    return this.#enumsByName.get(name);
  }

  /** Every registered class's wire name, in registration order. */
  classNames(): string[] {
    return [...this.#classesByName.keys()];
  }

  /** Every registered enum's wire name, in registration order. */
  enumNames(): string[] {
    return [...this.#enumsByName.keys()];
  }

  /**
   * The schema of every registered class, in registration order, each resolved now:
   * what the handshake describes to the peer. Throws `BadData` naming the class and
   * field if a type thunk throws or names something OON cannot send.
   */
  schemas(): ClassSchema[] {
    return [...this.#classesByName.values()].map((ctor) => this.schemaOf(ctor));
  }

  /**
   * The schema of a registered class: every declared field, inherited ones first,
   * with types resolved. Built on first use and cached, so type thunks may name
   * classes declared after this one.
   */
  schemaOf(ctor: NetClassType): ClassSchema {
    const cached = this.#schemas.get(ctor);
    if (cached !== undefined) return cached;
    const name = this.#namesByClass.get(ctor);
    if (name === undefined) {
      throw new BadDataError(`class ${ctor.name} is not registered: decorate it with @NetClass()`);
    }
    const fields = collectDeclarations(ctor)
      .filter((decl) => !isTransformerExcluded(ctor, decl.key))
      .map((decl) => this.#resolveField(ctor, decl));
    const schema: ClassSchema = Object.freeze({
      name,
      ctor,
      fields: Object.freeze(fields),
      fieldsByWireOrder: Object.freeze([...fields].sort((a, b) => compareCodePoints(a.wireName, b.wireName))),
      fieldByWireName: new Map(fields.map((f) => [f.wireName, f])),
      references: this.#tracked.has(ctor),
      aliases: this.#aliases.get(ctor) ?? NO_ALIASES,
    });
    this.#schemas.set(ctor, schema);
    return schema;
  }

  #claim(name: string, what: string): void {
    const clash = this.#classesByName.get(name);
    if (clash !== undefined) {
      throw new StartFailError(
        `wire name \`${name}\` is taken by class ${clash.name}, so ${what} cannot have it: give one of them another name, as in @NetClass('cars.${name}')`,
      );
    }
    if (this.#enumsByName.has(name)) {
      throw new StartFailError(`wire name \`${name}\` is taken by enum ${name}, so ${what} cannot have it: choose another name`);
    }
  }

  #resolveField(ctor: NetClassType, decl: FieldDeclaration): FieldSchema {
    const where = `${ctor.name}.${decl.key}`;
    let spec: TypeSpec;
    if (decl.type === undefined) spec = withTransformerType(decl.designType as TypeSpec, transformerType(ctor, decl.key));
    else if (isTypeDescriptor(decl.type)) spec = decl.type;
    else spec = callThunk(decl.type, where);
    return Object.freeze({ key: decl.key, wireName: decl.wireName, type: this.#resolveSpec(spec, where), aliases: decl.aliases ?? NO_ALIASES });
  }

  #resolveSpec(spec: TypeSpec, where: string): FieldType {
    if (isTypeDescriptor(spec)) {
      switch (spec.kind) {
        case 'array':
        case 'set':
        case 'optional':
          return { kind: spec.kind, of: this.#resolveSpec(spec.of, where) };
        case 'nullable':
          return this.#resolveSpec(spec.of, where);
        case 'map':
          return { kind: 'map', key: resolveMapKey(spec.key, where), value: this.#resolveSpec(spec.value, where) };
        default:
          return { kind: spec.kind };
      }
    }
    if (Array.isArray(spec)) {
      if (spec.length !== 1) throw new BadDataError(`${where}: an array type is written [ElementType], with one element`);
      return { kind: 'array', of: this.#resolveSpec(spec[0] as TypeSpec, where) };
    }
    const builtin = BUILTIN_KINDS.get(spec);
    if (builtin !== undefined) return { kind: builtin };
    if (spec === Map || spec === Set || spec === Array) {
      throw new BadDataError(`${where}: a ${(spec as Function).name} needs its element types, as in t.map(String, Car), t.set(Number) or [Car]`);
    }
    if (typeof spec === 'function') {
      if (!this.#namesByClass.has(spec as NetClassType)) throw unregisteredFieldClass(where, spec as NetClassType);
      return { kind: 'class', ctor: spec as NetClassType };
    }
    if (typeof spec === 'object' && spec !== null) {
      const type = this.#enumsByObject.get(spec as EnumObject);
      if (type !== undefined) return type;
      throw new BadDataError(`${where}: its type is an object that is not a registered enum; call registerEnum(TheEnum, 'TheEnum') first`);
    }
    throw new BadDataError(`${where}: ${String(spec)} is not a type OON can send`);
  }
}

/** Constructors that stand for a primitive kind, as `design:type` or in a thunk. */
const BUILTIN_KINDS = new Map<unknown, Exclude<FieldType['kind'], 'enum' | 'class' | 'array' | 'set' | 'map' | 'optional'>>([
  [Number, 'number'],
  [String, 'string'],
  [Boolean, 'boolean'],
  [Date, 'date'],
  [BigInt, 'bigint'],
  [Uint8Array, 'bytes'],
  // Node's Buffer (a Uint8Array) where there is one: a browser has none.
  ...(typeof Buffer === 'function' ? [[Buffer, 'bytes'] as const] : []),
]);

/**
 * Why a field cannot be typed with a class this registry does not have. A schema lists
 * registered classes only, so a peer cannot tell what such a field holds: it would pass
 * while both sides' schemas are alike (the hash matches, nothing is compared), then fail
 * every send once they differ, as `the peer has no class …`. Refused when the schema is
 * first needed instead, with what to declare.
 */
function unregisteredFieldClass(where: string, ctor: NetClassType): BadDataError {
  // Every class extends Object, so it would stand for "any registered class"; no peer registers it.
  if (ctor === (Object as unknown)) {
    return new BadDataError(
      `${where}: Object is not a type OON can send (it says nothing of what the field holds, so two schemas cannot agree on it); declare t.json for plain JSON data, or the @NetClass class its values are, as in () => Car (registered subclasses of it travel too)`,
    );
  }
  return new BadDataError(
    `${where}: class ${ctor.name} is not registered, and a peer's schema names registered classes only, so two schemas cannot agree on the field; register ${ctor.name} with @NetClass in the same registry (its registered subclasses still travel as themselves), or declare the @NetClass class its values are`,
  );
}

function resolveMapKey(key: MapKeySpec, where: string): MapFieldType['key'] {
  if (key === String) return { kind: 'string' };
  if (key === Number) return { kind: 'number' };
  if (isTypeDescriptor(key) && (key.kind === 'string' || key.kind === 'number' || key.kind === 'int')) return { kind: key.kind };
  throw new BadDataError(`${where}: a Map's keys are strings or numbers (String, Number, t.string, t.number, t.int)`);
}

/** The type class-transformer's `@Type(() => X)` gives, shaped by the property's `design:type` (X[], Set<X>, Map<string, X>). */
function withTransformerType(designType: TypeSpec, element: TypeSpec | undefined): TypeSpec {
  if (element === undefined) return designType;
  if (designType === Array) return [element];
  if (designType === (Set as unknown)) return t.set(element);
  if (designType === (Map as unknown)) return t.map(String, element);
  return element;
}

const NO_ALIASES: readonly string[] = Object.freeze([]);

function sameNames(a: readonly string[], b: readonly string[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((name, i) => name === b[i]);
}

/** The registry `@NetClass()` and `registerEnum()` use unless told otherwise. */
export const defaultRegistry = new Registry();

/**
 * Registers an enum under a wire name, in the default registry unless another is given.
 *
 * @example
 * ```ts run
 * import { registerEnum } from '@oon/core';
 *
 * export enum CarMark { Volvo, Toyota, Ford }
 * registerEnum(CarMark, 'CarMark');
 * ```
 */
export function registerEnum(object: EnumObject, name: string, registry: Registry = defaultRegistry): void {
  registry.registerEnum(object, name);
}

/** Runs a field's type thunk; one that throws (often a class used before its declaration) is named. */
function callThunk(thunk: () => TypeSpec, where: string): TypeSpec {
  try {
    return thunk();
  } catch (cause) {
    throw new BadDataError(
      `${where}: its type thunk threw (${String(cause)}); every class or enum it names must be defined by the time the schema is first needed (at the first send or connect)`,
      { cause },
    );
  }
}

/** Field declarations along the prototype chain, base class first; a redeclared field keeps its base position. */
function collectDeclarations(ctor: Function): FieldDeclaration[] {
  const chain: Function[] = [];
  for (let c: unknown = ctor; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    chain.unshift(c);
  }
  const byKey = new Map<string, FieldDeclaration>();
  for (const c of chain) for (const decl of ownFieldDeclarations(c)) byKey.set(decl.key, decl);
  return [...byKey.values()];
}

/** An enum's members, leaving out the reverse entries TypeScript adds to numeric enums. */
function enumMembers(object: EnumObject): Array<readonly [string, string | number]> {
  return Object.entries(object)
    .filter(([key, value]) => typeof value === 'number' || !(typeof object[value] === 'number' && String(object[value]) === key))
    .map(([key, value]) => Object.freeze([key, value] as const));
}

/**
 * The order fields travel in on the wire (`fieldsByWireOrder`), for wire names:
 * sorts as Python sorts `dir()`: by code point, not by locale. That is UTF-16 code unit
 * order except that a surrogate (half of a code point above U+FFFF) must sort after
 * U+E000..U+FFFF, so units from U+D800 up are shifted before comparing.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointOrder(x) - codePointOrder(y);
  }
  return a.length - b.length;
}

function codePointOrder(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}
