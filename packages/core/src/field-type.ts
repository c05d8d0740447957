import type { EnumObject, NetClassType, PrimitiveKind } from './type-spec';

/** A primitive field type, resolved. */
export interface PrimitiveFieldType {
  /** Which primitive. */
  readonly kind: PrimitiveKind;
}

/** A registered enum, resolved: its wire name, its members and the set of their values. */
export interface EnumFieldType {
  /** Always `enum`. */
  readonly kind: 'enum';
  /** The enum's wire name, given to `registerEnum`. */
  readonly name: string;
  /** The enum object itself. */
  readonly object: EnumObject;
  /** Each member's name and value, in declaration order (without TypeScript's reverse entries). */
  readonly members: ReadonlyArray<readonly [name: string, value: string | number]>;
  /** Every member's value, for checking what arrives. */
  readonly values: ReadonlySet<string | number>;
}

/**
 * A field holding an instance of a registered class. Any registered subclass of `ctor`
 * is accepted too; the wire names the actual class. The class's own schema is looked
 * up when needed, so classes may refer to each other (or themselves).
 */
export interface ClassFieldType {
  /** Always `class`. */
  readonly kind: 'class';
  /** The registered class (a subclass instance fits too). */
  readonly ctor: NetClassType;
}

/** An array whose elements all have type `of`. */
export interface ArrayFieldType {
  /** Always `array`. */
  readonly kind: 'array';
  /** The element type. */
  readonly of: FieldType;
}

/** A `Set` whose elements all have type `of`. */
export interface SetFieldType {
  /** Always `set`. */
  readonly kind: 'set';
  /** The element type. */
  readonly of: FieldType;
}

/** A `Map` with string or number keys (`int`: integer numbers) and values of type `value`. */
export interface MapFieldType {
  /** Always `map`. */
  readonly kind: 'map';
  /** The key type: strings or numbers. */
  readonly key: {
    /** Strings, numbers or integers. */
    readonly kind: 'string' | 'number' | 'int';
  };
  /** The value type. */
  readonly value: FieldType;
}

/** A value of type `of` that may also be `undefined` (sent as absent in a field). */
export interface OptionalFieldType {
  /** Always `optional`. */
  readonly kind: 'optional';
  /** The type when the field is present. */
  readonly of: FieldType;
}

/** A field's type once its spec is resolved against a registry: what the codecs walk. */
export type FieldType =
  | PrimitiveFieldType
  | EnumFieldType
  | ClassFieldType
  | ArrayFieldType
  | SetFieldType
  | MapFieldType
  | OptionalFieldType;

/** One declared field of a class, resolved. */
export interface FieldSchema {
  /** The property name on instances. */
  readonly key: string;
  /** The name on the wire (defaults to `key`). */
  readonly wireName: string;
  /** The field's resolved type. */
  readonly type: FieldType;
  /** Wire names the field had before (`@NetField({ aliases })`), read into it from an older peer. */
  readonly aliases: readonly string[];
}

/** A registered class's schema: its wire name and every declared field, inherited ones first. */
export interface ClassSchema {
  /** The class's wire name. */
  readonly name: string;
  /** The class. */
  readonly ctor: NetClassType;
  /** Declared fields in declaration order, base class fields first. */
  readonly fields: readonly FieldSchema[];
  /** The same fields sorted by wire name, the order the origin writes them in. */
  readonly fieldsByWireOrder: readonly FieldSchema[];
  /** Fields by wire name, for reading. */
  readonly fieldByWireName: ReadonlyMap<string, FieldSchema>;
  /**
   * True when the class was registered with `references: true`: an instance reached
   * twice in one message is sent once and arrives as one object (cycles allowed).
   */
  readonly references: boolean;
  /** Wire names the class had before (`@NetClass({ aliases })`), read as it from an older peer. */
  readonly aliases: readonly string[];
}

/**
 * The one canonical description of a field type: what error messages show and what the
 * handshake compares, so it must stay stable. A primitive is its kind (`number`, `int`,
 * `string`…), a class its wire name (`Car`), an enum `enum CarMark`, a collection
 * `array<Car>`, `set<string>`, `map<string, array<Car>>`, an optional `optional<Date>`. Classes are named by `nameOf` (a registry's wire names) when given and
 * known there, else by their JavaScript name.
 *
 * @example
 * ```ts fragment
 * describeType({ kind: 'array', of: { kind: 'int' } }); // 'array<int>'
 * describeType(field.type, (ctor) => registry.nameOf(ctor)); // 'cars.Car', its wire name
 * ```
 */
export function describeType(type: FieldType, nameOf?: (ctor: NetClassType) => string | undefined): string {
  switch (type.kind) {
    case 'number':
    case 'int':
    case 'float':
    case 'string':
    case 'boolean':
    case 'null':
    case 'json':
    case 'date':
    case 'bigint':
    case 'bytes':
      return type.kind;
    case 'enum':
      return `enum ${type.name}`;
    case 'class':
      return nameOf?.(type.ctor) ?? type.ctor.name;
    case 'array':
      return `array<${describeType(type.of, nameOf)}>`;
    case 'set':
      return `set<${describeType(type.of, nameOf)}>`;
    case 'map':
      return `map<${type.key.kind}, ${describeType(type.value, nameOf)}>`;
    case 'optional':
      return `optional<${describeType(type.of, nameOf)}>`;
    default:
      return unknownKind(type);
  }
}

/** Reached only if a kind is added to {@link FieldType} without a case above: tsc then fails on the `never`. */
function unknownKind(type: never): never {
  throw new TypeError(`describeType: unknown field type kind ${JSON.stringify((type as { kind?: unknown }).kind)}`);
}
