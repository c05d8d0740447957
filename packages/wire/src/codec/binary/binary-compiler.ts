import { BadDataError, type ClassSchema, type FieldSchema, type FieldType } from '@oon/core';
import { badMapKey, badTag, Tag, wrongType, type ClassCodec } from './binary-format';
import type { ResolvingRuntime } from './binary-resolved';
import type { BinaryRuntime } from './binary-types';
import type { ClassResolution } from '../../schema/schema-resolution';
import { parseSchemaType, type SchemaType } from '../../schema/schema-type';
import { checkStringBytes, tooDeep, tooLong } from '../codec-options';

/** A float64 and its bytes, for writing doubles inline. */
const F64 = new Float64Array(1);
const F64B = new Uint8Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The compiled parts of a class codec (`skip` and the rest are the engine's). */
export type CompiledClass = Pick<ClassCodec, 'encode' | 'fill' | 'create'>;

/**
 * Generates a class's encoder, decoder and constructor call as straight-line JavaScript
 * (`new Function`), the way avsc and msgpackr compile theirs: each field is read and
 * written by its literal property name; numbers, strings, booleans, arrays and nested
 * objects of a known class are inlined (loops included), other types go through their
 * prebuilt codec. Nothing on the hot path looks at the schema again.
 *
 * Names and keys enter the source only through `JSON.stringify`; everything else the
 * code refers to (class codecs, types, messages) is passed in the constants array `K`
 * and bound to one `const` each.
 */
export function compileClass(rt: BinaryRuntime, schema: ClassSchema, dropped?: ReadonlySet<string>): CompiledClass {
  const g = new Source(rt, schema.name);
  const ctor = g.ref(schema.ctor);
  // Wire order (by wire name), not declaration order: the handshake accepts two sides that
  // declare the same fields in another order, so a field's position must not depend on it.
  const encode = schema.fieldsByWireOrder.map((f) => encodeField(g, f, dropped?.has(f.wireName) === true)).join('\n');
  const fill = schema.fieldsByWireOrder.map((f) => fillField(g, f)).join('\n');
  const name = functionName(schema.name);
  return build<CompiledClass>(g, `{
  create: function create_${name}() { return new ${ctor}(); },
  encode: function encode_${name}(st, o, depth) {
    const w = st.w, ig = st.ignore;
    let v;
${encode}
  },
  fill: function fill_${name}(st, o, depth) {
    const r = st.r, ig = st.ignore;
    let t;
${fill}
  },
}`);
}

/**
 * Generates the decoder of a peer's class that differs from this side's (`schema`),
 * by its resolution (docs/evolution.md): the writer's fields in the writer's wire order,
 * each read into this side's field it maps to (by name or alias) with this side's type
 * (every lossless widening reads the writer's bytes as they are), or stepped over when
 * this side lacks it. Fields this side has and the writer lacks keep their initial value.
 */
export function compileResolvedFill(rt: ResolvingRuntime, schema: ClassSchema, resolution: ClassResolution): ClassCodec['fill'] {
  const g = new Source(rt, schema.name);
  const fields = resolution.fields
    .map(({ writer, reader }) => {
      const field = reader === undefined ? undefined : schema.fieldByWireName.get(reader.name);
      return field === undefined ? skipField(g, writer.name, parseSchemaType(writer.type)) : fillField(g, field);
    })
    .join('\n');
  const name = functionName(`${resolution.writer.name}_as_${schema.name}`);
  return build<ClassCodec['fill']>(
    g,
    `function fill_${name}(st, o, depth) {
    const r = st.r, ig = st.ignore;
    let t;
${fields}
  }`,
  );
}

function functionName(wireName: string): string {
  return wireName.replace(/[^A-Za-z0-9_$]/g, '_');
}

/** Compiles `expression` with the helpers and the constants `g` collected bound as locals. */
function build<T>(g: Source, expression: string): T {
  const rt = g.rt;
  // Each constant gets its own binding, which optimised code reads as a constant, not an array element.
  const bindings = g.constants.map((_, i) => `k${i} = K[${i}]`).join(', ');
  const source = `const { K, rt, wrongType, badTag, badMapKey, checkStringBytes, tooDeep, tooLong, constructorFailed, maxDepth, maxLength, maxBytes, F64, F64B, LE } = h;
${bindings === '' ? '' : `const ${bindings};`}
return ${expression};`;
  const { maxDepth, maxCollectionLength: maxLength, maxStringBytes: maxBytes } = rt.options;
  const helpers = { K: g.constants, rt, wrongType, badTag, badMapKey, checkStringBytes, tooDeep, tooLong, constructorFailed, maxDepth, maxLength, maxBytes, F64, F64B, LE: LITTLE_ENDIAN };
  return (new Function('h', source) as (h: typeof helpers) => T)(helpers);
}

/** Steps over a field only the writer has: a number in line (the common case), anything else by its type. */
function skipField(g: Source, wireName: string, type: SchemaType): string {
  const where = g.ref(`${g.owner}.${wireName}`);
  const inline =
    type.kind === 'number' || type.kind === 'int' || type.kind === 'float'
      ? `if (t === ${Tag.A}) r.zigzag(); else if (t === ${Tag.B}) r.f64(); else `
      : type.kind === 'boolean'
        ? `if (t === ${Tag.A} || t === ${Tag.B}) {} else `
        : '';
  return `    t = r.u8();
    if (t !== ${Tag.Absent}) { ${inline}rt.skipValue(st, ${g.ref(type)}, t, depth + 1, ${where}); }`;
}

/** Collects the constants generated code refers to, and hands out unique variable names. */
class Source {
  readonly constants: unknown[] = [];
  readonly #refs = new Map<unknown, string>();
  #next = 0;

  /** The class's wire name, which error messages name fields by (`Car.speed`). */
  constructor(
    readonly rt: BinaryRuntime,
    readonly owner: string,
  ) {}

  /** An expression for `value` in the generated code. */
  ref(value: unknown): string {
    let ref = this.#refs.get(value);
    if (ref === undefined) {
      ref = `k${this.constants.push(value) - 1}`;
      this.#refs.set(value, ref);
    }
    return ref;
  }

  /** A fresh variable name; the `_` keeps it apart from the constants' `k0`, `k1`…, which it would shadow. */
  name(prefix: string): string {
    return `${prefix}_${this.#next++}`;
  }
}

/** A field the peer skips (`dropped`) is written between marks: an object the peer cannot read may be in it. */
function encodeField(g: Source, field: FieldSchema, dropped: boolean): string {
  const where = g.ref(`${g.owner}.${field.wireName}`);
  const write = `    v = o[${JSON.stringify(field.key)}];
    if (ig !== undefined && ${ignoreTest(field)}) w.u8(${Tag.Absent});
    else {
${writeValue(g, field.type, 'v', 1, where)}
    }`;
  return dropped ? `    st.dropped++;\n${write}\n    st.dropped--;` : write;
}

function fillField(g: Source, field: FieldSchema): string {
  const where = g.ref(`${g.owner}.${field.wireName}`);
  return `    t = r.u8();
    if (t !== ${Tag.Absent}) {
      let v;
${readValue(g, field.type, 'v', 't', 1, where)}
      if (ig === undefined || !${ignoreTest(field)}) o[${JSON.stringify(field.key)}] = v;
    }`;
}

/** Code writing the tagged value held in variable `v`, at `depth + level`. */
function writeValue(g: Source, type: FieldType, v: string, level: number, where: string): string {
  const depth = `depth + ${level}`;
  const orNull = `else if (${v} == null) w.u8(${Tag.Null});
      else throw wrongType(${where}, ${g.ref(type)}, ${v});`;
  switch (type.kind) {
    case 'number':
    case 'int':
      return `      if (typeof ${v} === 'number'${type.kind === 'int' ? ` && Number.isInteger(${v})` : ''}) {
        let buf = w.buf, pos = w.pos;
        if (pos + 9 > buf.length) { w.ensure(9); buf = w.buf; pos = w.pos; }
        if ((${v} | 0) === ${v} && (${v} !== 0 || 1 / ${v} > 0)) {
          buf[pos++] = ${Tag.A};
          let z = ((${v} << 1) ^ (${v} >> 31)) >>> 0;
          while (z > 0x7f) { buf[pos++] = (z & 0x7f) | 0x80; z >>>= 7; }
          buf[pos++] = z;
        } else if (LE) {
          buf[pos++] = ${Tag.B};
          F64[0] = ${v};
          buf[pos++] = F64B[0]; buf[pos++] = F64B[1]; buf[pos++] = F64B[2]; buf[pos++] = F64B[3];
          buf[pos++] = F64B[4]; buf[pos++] = F64B[5]; buf[pos++] = F64B[6]; buf[pos++] = F64B[7];
        } else { w.pos = pos; w.u8(${Tag.B}); w.f64(${v}); pos = w.pos; }
        w.pos = pos;
      } ${orNull}`;
    case 'float':
      return `      if (typeof ${v} === 'number') { w.u8(${Tag.B}); w.f64(${v}); } ${orNull}`;
    case 'string':
      return `      if (typeof ${v} === 'string') {
        if (${v}.length * 3 > maxBytes) checkStringBytes(${where}, ${v}, maxBytes);
        w.u8(${Tag.A}); w.str(${v});
      } ${orNull}`;
    case 'boolean':
      return `      if (${v} === true) w.u8(${Tag.B}); else if (${v} === false) w.u8(${Tag.A}); ${orNull}`;
    case 'class': {
      // The declared class and its subclasses, untracked: written here, one branch each,
      // so each call to a class's encoder is monomorphic even in a polymorphic field.
      const c = g.name('c');
      const fast = g.rt
        .plainVariants(type.ctor)
        .map((known) => {
          const cc = g.ref(known);
          return `if (${c} === ${g.ref(known.ctor)}) {
          if (${depth} > maxDepth) rt.tooDeepOnWrite(st, ${where});
          w.u8(${Tag.A});
          if (${cc}.gen === st.gen) w.varuint(${cc}.id + 1); else rt.nameClass(st, ${cc});
          ${cc}.encode(st, ${v}, ${depth});
        } else `;
        })
        .join('');
      return `      if (${v} == null) w.u8(${Tag.Null});
      else if (typeof ${v} === 'object') { const ${c} = ${v}.constructor; ${fast}rt.writeObject(st, ${v}, ${g.ref(type.ctor)}, ${depth}, ${where}); }
      else throw wrongType(${where}, ${g.ref(type)}, ${v});`;
    }
    case 'array': {
      const [n, j, e] = [g.name('n'), g.name('j'), g.name('e')];
      return `      if (Array.isArray(${v})) {
        const ${n} = ${v}.length;
        if (${n} > maxLength) throw tooLong(${where}, 'an array', ${n}, maxLength);
        if (${depth} > maxDepth) rt.tooDeepOnWrite(st, ${where});
        w.u8(${Tag.A}); w.varuint(${n});
        for (let ${j} = 0; ${j} < ${n}; ${j}++) {
          const ${e} = ${v}[${j}];
${writeValue(g, type.of, e, level + 1, where)}
        }
      } ${orNull}`;
    }
    case 'enum': {
      // A member of a small integer enum (the usual TypeScript enum) is one byte after its
      // tag, written here; anything else (strings, null, a non-member) goes the prebuilt way.
      const mask = smallIntEnumMask(type.values);
      const slow = `${g.ref(g.rt.typeCodec(type))}.write(st, ${v}, ${depth}, ${where});`;
      if (mask === undefined) return `      ${slow}`;
      return `      if (typeof ${v} === 'number' && ${v} >= 0 && ${v} < 32 && (${v} | 0) === ${v} && ((${mask} >>> ${v}) & 1) === 1 && (${v} !== 0 || 1 / ${v} > 0)) { w.u8(${Tag.A}); w.u8(${v} << 1); }
      else ${slow}`;
    }
    case 'date':
      return `      if (${v} instanceof Date && ${v}.getTime() === ${v}.getTime()) { w.u8(${Tag.A}); w.f64(${v}.getTime()); }
      else ${g.ref(g.rt.typeCodec(type))}.write(st, ${v}, ${depth}, ${where});`;
    case 'set':
    case 'map': {
      // Maps with string keys and Sets, element by element in line, so elements of a class
      // get the class fast path; other keys, and every error, go through the prebuilt codec.
      const slow = `${g.ref(g.rt.typeCodec(type))}.write(st, ${v}, ${depth}, ${where})`;
      if (type.kind === 'map' && type.key.kind !== 'string') return `      ${slow};`;
      const [n, e, k] = [g.name('n'), g.name('e'), g.name('k')];
      const head = `const ${n} = ${v}.size;
        if (${n} > maxLength) throw tooLong(${where}, ${type.kind === 'set' ? "'a Set'" : "'a Map'"}, ${n}, maxLength);
        if (${depth} > maxDepth) rt.tooDeepOnWrite(st, ${where});
        w.u8(${Tag.A}); w.varuint(${n});`;
      if (type.kind === 'set') {
        return `      if (${v} instanceof Set) {
        ${head}
        for (const ${e} of ${v}) {
${writeValue(g, type.of, e, level + 1, where)}
        }
      } else ${slow};`;
      }
      return `      if (${v} instanceof Map) {
        ${head}
        for (const [${k}, ${e}] of ${v}) {
          if (typeof ${k} !== 'string') throw badMapKey(${where}, ${k});
          if (${k}.length * 3 > maxBytes) checkStringBytes(${where}, ${k}, maxBytes);
          w.str(${k});
${writeValue(g, type.value, e, level + 1, where)}
        }
      } else ${slow};`;
    }
    default:
      return `      ${g.ref(g.rt.typeCodec(type))}.write(st, ${v}, ${depth}, ${where});`;
  }
}

/** Code reading a value whose tag is in variable `t` into variable `target`, at `depth + level`. */
function readValue(g: Source, type: FieldType, target: string, t: string, level: number, where: string): string {
  const depth = `depth + ${level}`;
  const orNull = `else if (${t} === ${Tag.Null}) ${target} = null;
      else throw badTag(${where}, ${g.ref(type)}, ${t});`;
  switch (type.kind) {
    case 'number':
    case 'float':
      return `      if (${t} === ${Tag.A}) ${readZigzag(target)} else if (${t} === ${Tag.B}) ${target} = r.f64(); ${orNull}`;
    case 'int':
      return `      if (${t} === ${Tag.A}) ${readZigzag(target)} else if (${t} === ${Tag.B} && Number.isInteger(${target} = r.f64())) {} ${orNull}`;
    case 'string':
      return `      if (${t} === ${Tag.A}) ${target} = r.str(maxBytes); ${orNull}`;
    case 'boolean':
      return `      if (${t} === ${Tag.B}) ${target} = true; else if (${t} === ${Tag.A}) ${target} = false; ${orNull}`;
    case 'class': {
      // An object of the declared class or a subclass, named before in this message by a
      // one-byte number, or named as the last message named it here: built and filled
      // here, one branch per class, so those calls are monomorphic. Any other class
      // already read goes through readObjectOf; a naming not seen before, a tracked
      // object or a reference, through readObject.
      const [b, c, o] = [g.name('b'), g.name('c'), g.name('o')];
      const fast = g.rt
        .plainVariants(type.ctor)
        .map((known) => {
          const cc = g.ref(known);
          return `if (${c} === ${cc}) {
          if (${depth} > maxDepth) throw tooDeep(${where}, maxDepth);
          let ${o};
          try { ${o} = ${cc}.create(); } catch (cause) { throw constructorFailed(${cc}.schema, cause); }
          ${cc}.fill(st, ${o}, ${depth});
          if (${cc}.validate) st.toValidate.push(${o});
          ${target} = ${o};
        } else `;
        })
        .join('');
      if (fast === '') {
        return `      if (${t} === ${Tag.Null}) ${target} = null;
      else ${target} = rt.readObject(st, ${t}, ${g.ref(type.ctor)}, ${depth}, ${where});`;
      }
      return `      if (${t} === ${Tag.Null}) ${target} = null;
      else {
        let ${c};
        if (${t} === ${Tag.A} && r.pos < r.end) {
          const ${b} = r.buf[r.pos];
          if (${b} > 0 && ${b} < 0x80 && ${b} <= st.classCount) { ${c} = st.classes[${b} - 1]; if (${c} !== undefined) r.pos++; }
          else if (${b} === 0) ${c} = rt.recentClass(st);
        }
        ${fast}if (${c} !== undefined) ${target} = rt.readObjectOf(st, ${c}, ${g.ref(type.ctor)}, ${depth}, ${where});
        else ${target} = rt.readObject(st, ${t}, ${g.ref(type.ctor)}, ${depth}, ${where});
      }`;
    }
    case 'array': {
      const [n, j, a, et, e] = [g.name('n'), g.name('j'), g.name('a'), g.name('t'), g.name('e')];
      return `      if (${t} === ${Tag.A}) {
        if (${depth} > maxDepth) throw tooDeep(${where}, maxDepth);
        const ${n} = r.count(maxLength, 'an array');
        const ${a} = [];
        for (let ${j} = 0; ${j} < ${n}; ${j}++) {
          const ${et} = r.u8();
          let ${e};
${readValue(g, type.of, e, et, level + 1, where)}
          ${a}.push(${e});
        }
        ${target} = ${a};
      } ${orNull}`;
    }
    case 'enum': {
      // A member of a small integer enum read here; anything else, and every error, the prebuilt way.
      const mask = smallIntEnumMask(type.values);
      const slow = `${target} = ${g.ref(g.rt.typeCodec(type))}.read(st, ${t}, ${depth}, ${where});`;
      if (mask === undefined) return `      ${slow}`;
      const x = g.name('x');
      return `      { const ${x} = ${t} === ${Tag.A} && r.pos < r.end ? r.buf[r.pos] : 0x80;
        if (${x} < 0x40 && (${x} & 1) === 0 && ((${mask} >>> (${x} >>> 1)) & 1) === 1) { r.pos++; ${target} = ${x} >>> 1; }
        else ${slow} }`;
    }
    case 'date': {
      // Past ±8.64e15 ms a Date is invalid: the prebuilt codec reads it again and says so.
      const x = g.name('x');
      return `      if (${t} === ${Tag.A} && r.pos + 8 <= r.end) {
        const p0 = r.pos, ${x} = r.f64();
        if (${x} >= -8.64e15 && ${x} <= 8.64e15) ${target} = new Date(${x});
        else { r.pos = p0; ${target} = ${g.ref(g.rt.typeCodec(type))}.read(st, ${t}, ${depth}, ${where}); }
      } else ${target} = ${g.ref(g.rt.typeCodec(type))}.read(st, ${t}, ${depth}, ${where});`;
    }
    case 'set':
    case 'map': {
      if (type.kind === 'map' && type.key.kind !== 'string') return `      ${target} = ${g.ref(g.rt.typeCodec(type))}.read(st, ${t}, ${depth}, ${where});`;
      const [n, j, a, et, e, k] = [g.name('n'), g.name('j'), g.name('a'), g.name('t'), g.name('e'), g.name('k')];
      const isSet = type.kind === 'set';
      const element = isSet ? type.of : type.value;
      return `      if (${t} === ${Tag.A}) {
        if (${depth} > maxDepth) throw tooDeep(${where}, maxDepth);
        const ${n} = r.count(maxLength, ${isSet ? "'a Set'" : "'a Map'"});
        const ${a} = new ${isSet ? 'Set' : 'Map'}();
        for (let ${j} = 0; ${j} < ${n}; ${j}++) {
          ${isSet ? '' : `const ${k} = r.str(maxBytes);`}
          const ${et} = r.u8();
          let ${e};
${readValue(g, element, e, et, level + 1, where)}
          ${isSet ? `${a}.add(${e});` : `${a}.set(${k}, ${e});`}
        }
        ${target} = ${a};
      } ${orNull}`;
    }
    default:
      return `      ${target} = ${g.ref(g.rt.typeCodec(type))}.read(st, ${t}, ${depth}, ${where});`;
  }
}

/** For an enum whose members are all integers from 0 to 31: a bit per member, for generated code to test; else undefined. */
function smallIntEnumMask(values: ReadonlySet<string | number>): number | undefined {
  let mask = 0;
  for (const value of values) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 31) return undefined;
    mask |= 1 << value;
  }
  return mask >>> 0;
}

/** Code reading a zigzag integer into `target`, a one-byte one inline. */
function readZigzag(target: string): string {
  return `{ const p = r.pos, z = p < r.end ? r.buf[p] : 0x80;
        if (z < 0x80) { r.pos = p + 1; ${target} = (z >>> 1) ^ -(z & 1); } else ${target} = r.zigzag(); }`;
}

function ignoreTest(field: FieldSchema): string {
  const key = JSON.stringify(field.key);
  return field.key === field.wireName ? `ig.has(${key})` : `(ig.has(${key}) || ig.has(${JSON.stringify(field.wireName)}))`;
}

/** Errors `create` throws on purpose, each with the error to report instead, given where the object was. */
const selfExplaining = new WeakMap<object, (where: string) => BadDataError>();

/**
 * An error for `create` to throw on purpose (a peer's class this side cannot read), so it
 * is reported as `explain(where)` rather than as a throwing constructor.
 */
export function refusedRevival(explain: (where: string) => BadDataError): BadDataError {
  const error = explain('');
  selfExplaining.set(error, explain);
  return error;
}

/** The error for a constructor that throws while reviving (or the reason `create` refused, at `where`). */
export function constructorFailed(schema: ClassSchema, cause: unknown, where = schema.name): BadDataError {
  const explain = typeof cause === 'object' && cause !== null ? selfExplaining.get(cause) : undefined;
  if (explain !== undefined) return explain(where);
  return new BadDataError(
    `cannot revive ${schema.name}: \`new ${schema.ctor.name}()\` threw (${String(cause)}); its constructor must work with no arguments`,
    { cause },
  );
}
