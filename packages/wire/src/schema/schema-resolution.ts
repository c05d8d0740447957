import { compareCodePoints } from '@oon/core';
import { clip, type ClassDescription, type EnumDescription, type FieldDescription, type RegistrySchema } from './registry-schema';
import { parseSchemaType, type SchemaType } from './schema-type';

/**
 * The rules a writer's class is read by into a reader's (docs/evolution.md). Each
 * problem names the one it breaks; a class with none can be read.
 */
export const SchemaRule = {
  /** The reader registers no class under the writer's wire name or an alias of it. */
  ClassMissing: 'class-missing',
  /** One side registers a class under the name, the other an enum. */
  KindChanged: 'kind-changed',
  /** A field's type cannot be read losslessly as the reader's (number into string, one class into an unrelated one). */
  TypeChanged: 'type-changed',
  /** The writer's enum has a member (by value) the reader's lacks. */
  EnumMemberMissing: 'enum-member-missing',
  /** The reader's field has no default (`new Ctor()` leaves it undefined) and the writer never sends it. */
  RequiredFieldMissing: 'required-field-missing',
  /** The writer's class extends a class the reader's does not: the reader would refuse it where that parent is declared. */
  ParentChanged: 'parent-changed',
} as const;

/** One of the {@link SchemaRule} names. */
export type SchemaRule = (typeof SchemaRule)[keyof typeof SchemaRule];

/** Why one class of a writer cannot be read by a reader. */
export interface SchemaProblem {
  /** The rule the class breaks (docs/evolution.md has a row for each). */
  readonly rule: SchemaRule;
  /** The class's wire name, as the writer names it. */
  readonly class: string;
  /** The field's wire name (the reader's, for a field the writer lacks), if the problem is a field's. */
  readonly field?: string;
  /** The problem in words, naming the class and field: `Car.speed is number in the writer's schema, string in the reader's`. */
  readonly message: string;
}

/** Where one field of the writer's goes in the reader's class. */
export interface FieldResolution {
  /** The writer's field. */
  readonly writer: FieldDescription;
  /** The reader's field it is read into (by wire name or alias); `undefined`: the reader skips it. */
  readonly reader: FieldDescription | undefined;
}

/** How one writer class is read. */
export interface ClassResolution {
  /** The writer's class, as its schema describes it. */
  readonly writer: ClassDescription;
  /** The reader's class it is read as (same wire name, else an alias); `undefined` when the reader has none. */
  readonly reader: ClassDescription | undefined;
  /** The writer's fields in wire order (docs/protocol.md: by wire name, code point order), as its payloads carry them. */
  readonly fields: readonly FieldResolution[];
  /** Empty when the class can be read. */
  readonly problems: readonly SchemaProblem[];
  /** True when both sides send the class alike (one name, the same fields and types): read as today. */
  readonly identical: boolean;
}

/** What problems call the two sides: `writer: 'this side', reader: 'the peer'` words them for a sender. */
export interface ResolutionSides {
  /** The side whose schema is written: `the writer`, `this side`, `the older version`. */
  readonly writer: string;
  /** The side that reads: `the reader`, `the peer`, `the newer version`. */
  readonly reader: string;
}

const WRITER_READER: ResolutionSides = { writer: 'the writer', reader: 'the reader' };

/** How every class of one writer is read by one reader. */
export interface SchemaResolution {
  /** By the writer's wire name. */
  readonly classes: ReadonlyMap<string, ClassResolution>;
}

/**
 * Resolves each class of `writer` against `reader`, as Avro resolves a writer's schema
 * against a reader's: fields match by wire name (then by the reader's aliases) whatever
 * their order or the class that declares them; a field only the writer has is skipped;
 * one only the reader has keeps its default; a type may widen losslessly. Everything
 * else is a {@link SchemaProblem} naming its rule. Pure data: both sides of a
 * connection compute both directions from the two hellos.
 */
export function resolveSchemas(writer: RegistrySchema, reader: RegistrySchema, sides: ResolutionSides = WRITER_READER): SchemaResolution {
  const ctx = new Context(writer, reader, sides);
  const classes = new Map<string, ClassResolution>();
  for (const cls of writer.classes) classes.set(cls.name, ctx.resolveClass(cls));
  return { classes };
}

/** The two schemas of one resolution, indexed. */
class Context {
  readonly #writerClasses: ReadonlyMap<string, ClassDescription>;
  readonly #readerClasses: ReadonlyMap<string, ClassDescription>;
  readonly #readerByAlias = new Map<string, ClassDescription>();
  readonly #writerEnums: ReadonlyMap<string, EnumDescription>;
  readonly #readerEnums: ReadonlyMap<string, EnumDescription>;
  /** `the writer`, `the reader`, and their possessives, as the messages say them. */
  readonly #w: string;
  readonly #r: string;

  constructor(writer: RegistrySchema, reader: RegistrySchema, sides: ResolutionSides) {
    this.#w = sides.writer;
    this.#r = sides.reader;
    this.#writerClasses = new Map(writer.classes.map((c) => [c.name, c]));
    this.#readerClasses = new Map(reader.classes.map((c) => [c.name, c]));
    for (const cls of reader.classes) for (const alias of cls.aliases ?? []) if (!this.#readerByAlias.has(alias)) this.#readerByAlias.set(alias, cls);
    this.#writerEnums = new Map(writer.enums.map((e) => [e.name, e]));
    this.#readerEnums = new Map(reader.enums.map((e) => [e.name, e]));
  }

  /** The reader's class a writer's class name is read as: its own name first, then an alias. */
  readerClass(name: string): ClassDescription | undefined {
    return this.#readerClasses.get(name) ?? this.#readerByAlias.get(name);
  }

  resolveClass(writer: ClassDescription): ClassResolution {
    const name = clip(writer.name);
    const byWireOrder = [...writer.fields].sort((a, b) => compareCodePoints(a.name, b.name));
    const reader = this.readerClass(writer.name);
    if (reader === undefined) {
      const enumThere = this.#readerEnums.has(writer.name);
      const problem: SchemaProblem = enumThere
        ? { rule: SchemaRule.KindChanged, class: writer.name, message: `\`${name}\` is a class in ${this.#w}'s schema, an enum in ${this.#r}'s` }
        : { rule: SchemaRule.ClassMissing, class: writer.name, message: `${this.#r} has no class \`${name}\` (nor one with it as an alias)` };
      return { writer, reader, fields: byWireOrder.map((f) => ({ writer: f, reader: undefined })), problems: [problem], identical: false };
    }
    const problems: SchemaProblem[] = [...this.#parentProblems(writer, reader)];
    const targets = this.#matchFields(writer, reader);
    const fields = byWireOrder.map((f) => ({ writer: f, reader: targets.get(f.name) }));
    const read = new Set<FieldDescription>();
    for (const { writer: wf, reader: rf } of fields) {
      if (rf === undefined) continue;
      read.add(rf);
      const why = this.readable(parseSchemaType(wf.type), parseSchemaType(rf.type));
      if (why === undefined) continue;
      const rule = why.rule;
      problems.push({ rule, class: writer.name, field: rf.name, message: `\`${name}.${clip(this.#fieldLabel(wf, rf))}\` is ${clip(wf.type)} in ${this.#w}'s schema, ${clip(rf.type)} in ${this.#r}'s: ${why.reason}` });
    }
    for (const rf of reader.fields) {
      if (read.has(rf) || rf.required !== true) continue;
      problems.push({
        rule: SchemaRule.RequiredFieldMissing,
        class: writer.name,
        field: rf.name,
        message: `${this.#r}'s \`${clip(reader.name)}.${clip(rf.name)}\` has no default (its class leaves it undefined) and ${this.#w} never sends it: give it an initializer or make it t.optional`,
      });
    }
    const identical =
      reader.name === writer.name && reader.fields.length === writer.fields.length && fields.every((f) => f.reader !== undefined && f.reader.name === f.writer.name && f.reader.type === f.writer.type);
    return { writer, reader, fields, problems, identical };
  }

  /** Each writer field's reader field: the one of its name, else the first whose aliases name it. */
  #matchFields(writer: ClassDescription, reader: ClassDescription): Map<string, FieldDescription> {
    const writerNames = new Set(writer.fields.map((f) => f.name));
    const targets = new Map<string, FieldDescription>();
    for (const rf of reader.fields) {
      if (writerNames.has(rf.name)) {
        targets.set(rf.name, rf);
        continue;
      }
      const alias = rf.aliases?.find((a) => writerNames.has(a) && !targets.has(a) && !reader.fields.some((other) => other.name === a));
      if (alias !== undefined) targets.set(alias, rf);
    }
    return targets;
  }

  /** Every registered ancestor of the writer's class must be one of the reader's class too, or the reader refuses it in a field typed so. */
  *#parentProblems(writer: ClassDescription, reader: ClassDescription): Iterable<SchemaProblem> {
    const readerAncestors = new Set<string>();
    for (let p = reader.parent, guard = 0; p !== null && guard < 1000; guard++) {
      readerAncestors.add(p);
      p = this.#readerClasses.get(p)?.parent ?? null;
    }
    for (let p = writer.parent, guard = 0; p !== null && guard < 1000; guard++) {
      const there = this.readerClass(p);
      if (there !== undefined && there.name !== reader.name && !readerAncestors.has(there.name)) {
        yield {
          rule: SchemaRule.ParentChanged,
          class: writer.name,
          message: `\`${clip(writer.name)}\` extends \`${clip(p)}\` in ${this.#w}'s schema, but ${this.#r}'s \`${clip(reader.name)}\` does not extend \`${clip(there.name)}\`: it would be refused in a field declared as \`${clip(there.name)}\``,
        };
      }
      p = this.#writerClasses.get(p)?.parent ?? null;
    }
  }

  /** `speed`, or `carCount (the reader's count)` for a field read through an alias. */
  #fieldLabel(writer: FieldDescription, reader: FieldDescription): string {
    return writer.name === reader.name ? reader.name : `${writer.name} (${this.#r}'s ${reader.name})`;
  }

  /** `undefined` when a value of the writer's type reads losslessly as the reader's; else why not. */
  readable(w: SchemaType, r: SchemaType): { rule: SchemaRule; reason: string } | undefined {
    if (w.kind === 'null') return undefined; // only ever null, which every field holds
    if (r.kind === 'optional') return this.readable(w.kind === 'optional' ? w.of : w, r.of);
    if (w.kind === 'optional') return changed(`${this.#w} may leave it undefined, which ${this.#r} cannot hold; make ${this.#r}'s t.optional too`);
    switch (w.kind) {
      case 'number':
      case 'int':
      case 'float':
        // Every JavaScript number is a float64: int widens to both, number and float read each other.
        if (r.kind === 'number' || r.kind === 'float' || (r.kind === 'int' && w.kind === 'int')) return undefined;
        return changed(`${article(w.kind)} cannot be read as ${article(r.kind)}${r.kind === 'int' ? ' without loss' : ''}`);
      case 'enum':
        return this.#enumReadable(w.name, r);
      case 'class':
        return this.#classReadable(w.name, r);
      case 'array':
      case 'set':
        if (r.kind !== w.kind) return changed(`${article(w.kind)} cannot be read as ${article(r.kind)}`);
        return this.readable(w.of, r.of);
      case 'map':
        if (r.kind !== 'map') return changed(`a map cannot be read as ${article(r.kind)}`);
        if (w.key !== r.key && !(w.key === 'int' && r.key === 'number')) return changed(`map keys of type ${w.key} cannot be read as ${r.key}`);
        return this.readable(w.value, r.value);
      default:
        return w.kind === r.kind ? undefined : changed(`${article(w.kind)} cannot be read as ${article(r.kind)}`);
    }
  }

  #enumReadable(name: string, r: SchemaType): { rule: SchemaRule; reason: string } | undefined {
    if (r.kind !== 'enum' || r.name !== name) return changed(`enum ${clip(name)} cannot be read as ${r.kind === 'enum' ? `enum ${clip(r.name)}` : article(r.kind)}`);
    const theirs = this.#readerEnums.get(name);
    const ours = this.#writerEnums.get(name);
    if (theirs === undefined || ours === undefined) return changed(`enum ${clip(name)} is not registered on both sides`);
    const values = new Set(theirs.members.map((m) => m.value));
    const missing = ours.members.filter((m) => !values.has(m.value));
    if (missing.length === 0) return undefined;
    const listed = missing
      .slice(0, 5)
      .map((m) => `\`${clip(m.name)}\` = ${clip(JSON.stringify(m.value))}`)
      .join(', ');
    return { rule: SchemaRule.EnumMemberMissing, reason: `${this.#r}'s enum ${clip(name)} lacks ${listed}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}` };
  }

  #classReadable(name: string, r: SchemaType): { rule: SchemaRule; reason: string } | undefined {
    if (r.kind !== 'class') return changed(`an object of class ${clip(name)} cannot be read as ${article(r.kind)}`);
    const there = this.readerClass(name);
    if (there === undefined) return { rule: SchemaRule.ClassMissing, reason: `${this.#r} has no class \`${clip(name)}\`` };
    if (there.name === r.name) return undefined;
    // A field narrowed to a parent still holds the class: the reader's own class must extend it.
    for (let p = there.parent, guard = 0; p !== null && guard < 1000; guard++) {
      if (p === r.name) return undefined;
      p = this.#readerClasses.get(p)?.parent ?? null;
    }
    return changed(`${this.#r} reads ${clip(name)} as its \`${clip(there.name)}\`, which is not \`${clip(r.name)}\` and does not extend it`);
  }
}

/** `an int`, `a string`: a type kind with its article. */
function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

function changed(reason: string): { rule: SchemaRule; reason: string } {
  return { rule: SchemaRule.TypeChanged, reason };
}


