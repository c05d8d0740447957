import { BadDataError, defaultRegistry, describeType, type ClassSchema, type EnumFieldType, type Registry } from '@oon/core';
import { utf8Bytes } from '../platform/bytes';
import { sha256Hex } from '../platform/sha256';

/** A field as the handshake describes it: its wire name and its canonical type (`describeType`). */
export interface FieldDescription {
  /** The field's wire name. */
  readonly name: string;
  /** Its type, written as `describeType` writes it (`number`, `Car[]`, `Map<string, Car>`). */
  readonly type: string;
  /** Wire names the field had before (`@NetField({ aliases })`); left out when none. */
  readonly aliases?: readonly string[];
  /**
   * True when the class has no default for the field: `new Ctor()` leaves it `undefined`
   * and its type is not `t.optional`. A peer that never sends it cannot be read (docs/evolution.md). Left out when false.
   */
  readonly required?: true;
}

/** A class as the handshake describes it. */
export interface ClassDescription {
  /** The wire name. */
  readonly name: string;
  /** The wire name of the nearest registered ancestor class, or `null`. */
  readonly parent: string | null;
  /** Every field, inherited ones first, in declaration order. */
  readonly fields: readonly FieldDescription[];
  /** Wire names the class had before (`@NetClass({ aliases })`); left out when none. */
  readonly aliases?: readonly string[];
}

/** An enum member as the handshake describes it. */
export interface EnumMemberDescription {
  /** The member's name. */
  readonly name: string;
  /** Its value, as sent. */
  readonly value: string | number;
}

/** An enum as the handshake describes it. */
export interface EnumDescription {
  /** The wire name. */
  readonly name: string;
  /** Members in declaration order. */
  readonly members: readonly EnumMemberDescription[];
}

/**
 * A registry's schema as a `hello` carries it (see docs/protocol.md, "Handshake"):
 * classes and enums sorted by wire name, and a hash of them so two sides with the
 * same registry see it at once.
 */
export interface RegistrySchema {
  /** sha-256, in lowercase hex, of the canonical JSON text `{"classes": […], "enums": […]}`. */
  readonly hash: string;
  /** Every registered class. */
  readonly classes: readonly ClassDescription[];
  /** Every registered enum. */
  readonly enums: readonly EnumDescription[];
}

/** The last description of each registry, with the registry's revision it was made at. */
const described = new WeakMap<Registry, { readonly revision: number; readonly schema: RegistrySchema }>();

/**
 * Describes every class and enum of a registry for the handshake, resolving every
 * field type now. Cached until the registry changes (`Registry.revision`). Throws `BadData`
 * naming the class and field if a type thunk throws or names something OON cannot send.
 * Kept in a repository as a snapshot, it is what `checkCompatibility` and
 * `oon schema check` compare the next version with (docs/evolution.md).
 */
export function describeRegistry(registry: Registry = defaultRegistry): RegistrySchema {
  const { revision } = registry;
  const cached = described.get(registry);
  if (cached !== undefined && cached.revision === revision) return cached.schema;
  const classes = registry
    .schemas()
    .map((schema) => describeClass(schema, registry))
    .sort(byName);
  const enums = registry
    .enumNames()
    .map((name) => describeEnum(registry.enumByName(name) as EnumFieldType))
    .sort(byName);
  const schema = deepFreeze({ hash: schemaHash(classes, enums), classes, enums });
  described.set(registry, { revision, schema });
  return schema;
}

/** The last class numbering of each registry (registries only grow). */
const numbered = new WeakMap<Registry, readonly string[]>();

/**
 * The class numbers a hello gives (docs/protocol.md, "Class numbers"): every class's
 * wire name in registration order, number 1 first. Registries only grow, so a later list
 * extends an earlier one: a number once given names the same class in every later hello
 * of this process, and a session's kept messages stay readable on its next link. Cached
 * until the registry gains a class.
 */
export function classNumbering(registry: Registry = defaultRegistry): readonly string[] {
  const names = registry.classNames();
  const cached = numbered.get(registry);
  if (cached !== undefined && cached.length === names.length) return cached;
  const list = Object.freeze(names);
  numbered.set(registry, list);
  return list;
}

/** The hash a schema of these classes and enums carries: sha-256 of their canonical JSON. */
export function schemaHash(classes: readonly ClassDescription[], enums: readonly EnumDescription[]): string {
  // Built field by field so the key order is fixed whatever object was passed in.
  // Aliases and `required` only when present, so a registry using neither keeps the hash it had before them.
  const canonical = JSON.stringify({
    classes: classes.map((c) => ({
      name: c.name,
      parent: c.parent,
      fields: c.fields.map((f) => ({ name: f.name, type: f.type, ...(f.aliases === undefined ? {} : { aliases: f.aliases }), ...(f.required === true ? { required: true } : {}) })),
      ...(c.aliases === undefined ? {} : { aliases: c.aliases }),
    })),
    enums: enums.map((e) => ({ name: e.name, members: e.members.map((m) => ({ name: m.name, value: m.value })) })),
  });
  return sha256Hex(utf8Bytes(canonical));
}

function describeClass(schema: ClassSchema, registry: Registry): ClassDescription {
  const nameOf = (ctor: Function): string | undefined => registry.nameOf(ctor);
  const defaults = sampleInstance(schema);
  return {
    name: schema.name,
    parent: parentName(schema.ctor, registry),
    fields: schema.fields.map((field) => ({
      name: field.wireName,
      type: describeType(field.type, nameOf),
      ...(field.aliases.length === 0 ? {} : { aliases: [...field.aliases] }),
      ...(defaults !== undefined && field.type.kind !== 'optional' && defaults[field.key] === undefined ? { required: true as const } : {}),
    })),
    ...(schema.aliases.length === 0 ? {} : { aliases: [...schema.aliases] }),
  };
}

/**
 * `new Ctor()`, to see which fields it gives a default: what a reader keeps for a field
 * the writer lacks. A constructor that throws cannot revive anything; no field is called
 * required for it then (revival says what is wrong).
 */
function sampleInstance(schema: ClassSchema): Record<string, unknown> | undefined {
  try {
    return new schema.ctor() as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function describeEnum(type: EnumFieldType): EnumDescription {
  return { name: type.name, members: type.members.map(([name, value]) => ({ name, value })) };
}

/** The wire name of the nearest ancestor registered here: an unregistered class in between is skipped. */
function parentName(ctor: Function, registry: Registry): string | null {
  for (let c: unknown = Object.getPrototypeOf(ctor); typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const name = registry.nameOf(c);
    if (name !== undefined) return name;
  }
  return null;
}

/** Code unit order: the same on every machine, unlike `localeCompare`. */
function byName(a: { readonly name: string }, b: { readonly name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Longest peer-supplied name or type quoted in an error message. */
const MAX_QUOTED = 80;

/** Cuts a peer-supplied string for an error message, so a hostile hello cannot make a huge one. */
export function clip(text: string): string {
  return text.length <= MAX_QUOTED ? text : `${text.slice(0, MAX_QUOTED)}…`;
}

/**
 * Reads the `schema` of a peer's hello, refusing with `BadData` anything that is not a
 * well-formed schema: every name a string, no class, enum, field or member twice. The
 * hash is taken as the peer states it (it only lets equal schemas skip the comparison).
 */
export function parseSchema(value: unknown): RegistrySchema {
  const schema = record(value, 'schema');
  const hash = schema['hash'];
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) {
    throw new BadDataError('peer hello: schema.hash must be a sha-256 in lowercase hex');
  }
  const classes = list(schema['classes'], 'schema.classes').map((entry, i) => parseClass(entry, `schema.classes[${i}]`));
  const enums = list(schema['enums'], 'schema.enums').map((entry, i) => parseEnum(entry, `schema.enums[${i}]`));
  unique(classes, 'class', 'schema.classes');
  unique(enums, 'enum', 'schema.enums');
  return { hash, classes, enums };
}

function parseClass(value: unknown, path: string): ClassDescription {
  const entry = record(value, path);
  const parent = entry['parent'];
  if (parent !== null && typeof parent !== 'string') throw new BadDataError(`peer hello: ${path}.parent must be a string or null`);
  const fields = list(entry['fields'], `${path}.fields`).map((field, i): FieldDescription => {
    const where = `${path}.fields[${i}]`;
    const f = record(field, where);
    const required = f['required'];
    if (required !== undefined && required !== true) throw new BadDataError(`peer hello: ${where}.required must be true or left out`);
    const aliases = aliasList(f['aliases'], `${where}.aliases`);
    return {
      name: text(f['name'], `${where}.name`),
      type: text(f['type'], `${where}.type`),
      ...(aliases === undefined ? {} : { aliases }),
      ...(required === true ? { required } : {}),
    };
  });
  const name = text(entry['name'], `${path}.name`);
  unique(fields, 'field', `class \`${clip(name)}\``);
  const aliases = aliasList(entry['aliases'], `${path}.aliases`);
  return { name, parent, fields, ...(aliases === undefined ? {} : { aliases }) };
}

function parseEnum(value: unknown, path: string): EnumDescription {
  const entry = record(value, path);
  const members = list(entry['members'], `${path}.members`).map((member, i) => {
    const m = record(member, `${path}.members[${i}]`);
    const v = m['value'];
    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) {
      throw new BadDataError(`peer hello: ${path}.members[${i}].value must be a string or a number`);
    }
    return { name: text(m['name'], `${path}.members[${i}].name`), value: v };
  });
  const name = text(entry['name'], `${path}.name`);
  unique(members, 'member', `enum \`${clip(name)}\``);
  return { name, members };
}

function aliasList(value: unknown, path: string): string[] | undefined {
  if (value === undefined) return undefined;
  return list(value, path).map((alias, i) => text(alias, `${path}[${i}]`));
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadDataError(`peer hello: ${path} must be an object`);
  }
  return value as Record<string, unknown>;
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new BadDataError(`peer hello: ${path} must be an array`);
  return value;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new BadDataError(`peer hello: ${path} must be a string`);
  return value;
}

function unique(entries: ReadonlyArray<{ readonly name: string }>, what: string, where: string): void {
  const seen = new Set<string>();
  for (const { name } of entries) {
    if (seen.has(name)) throw new BadDataError(`peer hello: ${where} lists ${what} \`${clip(name)}\` twice`);
    seen.add(name);
  }
}
