import { BadDataError, type ClassSchema, type NetClassType } from '@oon/core';
import { compileResolvedFill, refusedRevival } from './binary-compiler';
import { badTag, ObjectTag, Tag, type ClassCodec, type DecodeState } from './binary-format';
import type { BinaryRuntime } from './binary-types';
import { ByteWriter } from './byte-writer';
import { tooDeep } from '../codec-options';
import { cannotReceive, type SchemaAgreement } from '../../schema/schema-agreement';
import type { ClassResolution } from '../../schema/schema-resolution';
import { parseSchemaType, type SchemaType } from '../../schema/schema-type';
import { utf8Bytes } from '../../platform/bytes';

/** What reading a peer's differing classes needs from the binary engine. */
export interface ResolvingRuntime extends BinaryRuntime {
  /** This side's codec of one of its classes (compiled on first use). */
  classCodecOf(ctor: Function): ClassCodec;
  /** Reads a class naming (a number, or a definition) at the cursor. */
  readClass(st: DecodeState, where: string): ClassCodec;
}

/** Stands in, in the table of tracked objects, for a skipped object of a class this side cannot read. */
export const UNREAD: object = Object.freeze(Object.create(null) as object);

/**
 * Decoders for the peer's classes that this side reads differently from how it writes
 * its own (docs/evolution.md): each reads the writer's fields, in the writer's order, into
 * this side's class. A class both sides send alike needs none: its own codec reads it,
 * unchanged, at the same speed. Keyed by the writer's wire name.
 */
export function peerCodecs(rt: ResolvingRuntime, agreement: SchemaAgreement): Map<string, ClassCodec> {
  const codecs = new Map<string, ClassCodec>();
  for (const [name, resolution] of agreement.receive.classes) {
    if (resolution.identical && resolution.problems.length === 0) continue;
    codecs.set(name, peerCodec(rt, resolution));
  }
  return codecs;
}

function peerCodec(rt: ResolvingRuntime, resolution: ClassResolution): ClassCodec {
  const { writer, reader } = resolution;
  const { registry } = rt.options;
  const ctor = reader === undefined ? undefined : registry.classByName(reader.name);
  const definition = new ByteWriter(writer.name.length * 3 + 16);
  definition.u8(0);
  definition.str(writer.name);
  definition.varuint(writer.fields.length);
  const types = resolution.fields.map((f) => parseSchemaType(f.writer.type));
  const skip = (st: DecodeState, depth: number): void => {
    for (let i = 0; i < types.length; i++) {
      const tag = st.r.u8();
      if (tag !== Tag.Absent) skipValue(rt, st, types[i] as SchemaType, tag, depth + 1, writer.name);
    }
  };
  const base = {
    nameBytes: utf8Bytes(writer.name),
    definition: Uint8Array.from(definition.finish()),
    fieldCount: writer.fields.length,
    gen: 0,
    id: 0,
    number: 0,
    extendsChecked: undefined,
    skip,
    encode: () => {
      throw new BadDataError(`${writer.name}: a peer's class is never written`);
    },
  };
  if (ctor === undefined || resolution.problems.length > 0) {
    // Read nowhere: an object of it in a field this side reads fails the message, saying why.
    const refusal = (): never => {
      throw refusedRevival((where) => cannotReceive(resolution, where));
    };
    const schema = ctor === undefined ? unreadableSchema(writer.name) : registry.schemaOf(ctor);
    return { ...base, ctor: schema.ctor, schema, tracked: false, validate: false, readable: false, create: refusal, fill: refusal };
  }
  const own = rt.classCodecOf(ctor);
  const cc: ClassCodec = {
    ...base,
    ctor: own.ctor,
    schema: own.schema,
    tracked: own.tracked,
    validate: own.validate,
    readable: true,
    create: () => own.create(),
    // Compiled on first call, as this side's own codecs are.
    fill: (st, o, depth) => {
      cc.fill = compileResolvedFill(rt, own.schema, resolution);
      cc.fill(st, o, depth);
    },
  };
  return cc;
}

/** A class no registry holds: what a peer's class this side lacks is reported as. */
class Unreadable {}

function unreadableSchema(name: string): ClassSchema {
  return Object.freeze({
    name,
    ctor: Unreadable as NetClassType,
    fields: [],
    fieldsByWireOrder: [],
    fieldByWireName: new Map(),
    references: false,
    aliases: [],
  });
}

/**
 * Steps over one value of the writer's type `type` whose tag was read, without building
 * it: a field this side's schema lacks. Bounded like reading (depth, lengths); an object
 * in it still has its class counted, so later class numbers line up, and a tracked one is
 * built when this side can read it, so a later reference to it finds it.
 */
export function skipValue(rt: ResolvingRuntime, st: DecodeState, type: SchemaType, tag: number, depth: number, where: string): void {
  if (tag === Tag.Null || (tag === Tag.Undefined && type.kind === 'optional')) return;
  const r = st.r;
  const { maxStringBytes, maxCollectionLength, maxDepth } = rt.options;
  switch (type.kind) {
    case 'optional':
      return skipValue(rt, st, type.of, tag, depth, where);
    case 'number':
    case 'int':
    case 'float':
    case 'enum':
      if (tag === Tag.A) r.zigzag();
      else if (tag === Tag.B) r.f64();
      else if (tag === Tag.C && type.kind === 'enum') r.str(maxStringBytes);
      else break;
      return;
    case 'boolean':
      if (tag === Tag.A || tag === Tag.B) return;
      break;
    case 'string':
    case 'json':
      if (tag !== Tag.A) break;
      r.str(maxStringBytes);
      return;
    case 'date':
      if (tag !== Tag.A) break;
      r.f64();
      return;
    case 'bigint':
      if (tag === Tag.A) r.i64();
      else if (tag === Tag.B) r.str(maxStringBytes);
      else break;
      return;
    case 'bytes':
      if (tag !== Tag.A) break;
      r.bytes(maxStringBytes);
      return;
    case 'class':
      skipObject(rt, st, tag, depth, where);
      return;
    case 'array':
    case 'set':
    case 'map': {
      if (tag !== Tag.A) break;
      if (depth > maxDepth) throw tooDeep(where, maxDepth);
      const n = r.count(maxCollectionLength, type.kind === 'map' ? 'a Map' : type.kind === 'set' ? 'a Set' : 'an array');
      for (let i = 0; i < n; i++) {
        if (type.kind === 'map') {
          if (type.key === 'string') r.str(maxStringBytes);
          else skipValue(rt, st, { kind: 'number' }, r.u8(), depth + 1, where);
        }
        skipValue(rt, st, type.kind === 'map' ? type.value : type.of, r.u8(), depth + 1, where);
      }
      return;
    }
  }
  throw new BadDataError(`${where}: byte ${tag} does not start a value of the peer's type; the payload is malformed`);
}

function skipObject(rt: ResolvingRuntime, st: DecodeState, tag: number, depth: number, where: string): void {
  if (tag === ObjectTag.Ref) {
    const id = st.r.varuint();
    if (id >= st.objectCount) throw new BadDataError(`${where}: a reference to object ${id}, which was not sent before it`);
    return;
  }
  if (tag !== ObjectTag.Plain && tag !== ObjectTag.Tracked) throw badTag(where, { kind: 'json' }, tag);
  if (depth > rt.options.maxDepth) throw tooDeep(where, rt.options.maxDepth);
  const cc = rt.readClass(st, where);
  if (tag === ObjectTag.Plain) {
    cc.skip(st, depth);
    return;
  }
  if (!cc.readable) {
    st.objects[st.objectCount++] = UNREAD;
    cc.skip(st, depth);
    return;
  }
  const object = cc.create();
  st.objects[st.objectCount++] = object;
  cc.fill(st, object, depth);
}
