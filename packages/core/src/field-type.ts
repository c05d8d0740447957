import type { EnumObject, NetClassType, PrimitiveKind } from './type-spec';

/** A primitive field type, resolved. */
export interface PrimitiveFieldType {
  readonly kind: PrimitiveKind;
}

/** A registered enum, resolved: its wire name and the set of its member values. */
export interface EnumFieldType {
  readonly kind: 'enum';
  readonly name: string;
  readonly object: EnumObject;
  readonly values: ReadonlySet<string | number>;
}

/**
 * A field holding an instance of a registered class. Any registered subclass of `ctor`
 * is accepted too; the wire names the actual class. The class's own schema is looked
 * up when needed, so classes may refer to each other (or themselves).
 */
export interface ClassFieldType {
  readonly kind: 'class';
  readonly ctor: NetClassType;
}

/** An array whose elements all have type `of`. */
export interface ArrayFieldType {
  readonly kind: 'array';
  readonly of: FieldType;
}

/** A `Set` whose elements all have type `of`. */
export interface SetFieldType {
  readonly kind: 'set';
  readonly of: FieldType;
}

/** A `Map` with string or number keys (`int`: integer numbers) and values of type `value`. */
export interface MapFieldType {
  readonly kind: 'map';
  readonly key: { readonly kind: 'string' | 'number' | 'int' };
  readonly value: FieldType;
}

/** A value of type `of` that may also be `undefined` (sent as absent in a field). */
export interface OptionalFieldType {
  readonly kind: 'optional';
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
  readonly type: FieldType;
}

/** A registered class's schema: its wire name and every declared field, inherited ones first. */
export interface ClassSchema {
  readonly name: string;
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
}

/** Describes a field type in words, for error messages ("array of Car"). */
export function describeType(type: FieldType): string {
  switch (type.kind) {
    case 'enum':
      return `enum ${type.name}`;
    case 'class':
      return type.ctor.name;
    case 'array':
      return `array of ${describeType(type.of)}`;
    case 'set':
      return `Set of ${describeType(type.of)}`;
    case 'map':
      return `Map of ${type.key.kind} to ${describeType(type.value)}`;
    case 'optional':
      return `${describeType(type.of)} or undefined`;
    case 'date':
      return 'Date';
    case 'bytes':
      return 'bytes (Uint8Array)';
    default:
      return type.kind;
  }
}
