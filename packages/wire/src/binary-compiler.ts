import type { ClassSchema, FieldSchema, FieldType } from '@oon/core';
import { badTag, Tag, wrongType, type ClassCodec, type TypeCodec } from './binary-format';
import type { BinaryRuntime } from './binary-types';
import { checkStringBytes } from './codec-options';

/**
 * Generates a class's encoder and decoder as straight-line JavaScript (`new Function`),
 * the way avsc and msgpackr compile theirs: each field is read and written by its
 * literal property name, numbers, strings, booleans and nested objects inline, other
 * types through their prebuilt {@link TypeCodec}. Nothing on the hot path looks at the
 * schema again.
 *
 * Names and keys enter the generated source only through `JSON.stringify`, so no field
 * name can break out of its string literal.
 */
export function compileClass(rt: BinaryRuntime, schema: ClassSchema): Pick<ClassCodec, 'encode' | 'fill'> {
  const fields = schema.fields;
  const codecs: TypeCodec[] = fields.map((f) => rt.typeCodec(f.type));
  const declared = fields.map((f) => (f.type.kind === 'class' ? f.type.ctor : undefined));
  const types: FieldType[] = fields.map((f) => f.type);
  const where = fields.map((f) => `${schema.name}.${f.wireName}`);
  const { maxStringBytes } = rt.options;
  const helpers = { rt, T: codecs, D: declared, F: types, W: where, wrongType, badTag, checkStringBytes, maxStringBytes };

  const encodeBody = fields.map((f, i) => encodeField(f, i)).join('\n');
  const fillBody = fields.map((f, i) => fillField(f, i)).join('\n');
  const factory = new Function(
    'h',
    `const { rt, T, D, F, W, wrongType, badTag, checkStringBytes, maxStringBytes } = h;
return {
  encode: function encode_${identifier(schema.name)}(st, o, depth) {
    const w = st.w, ig = st.ignore;
    let v;
${encodeBody}
  },
  fill: function fill_${identifier(schema.name)}(st, o, depth) {
    const r = st.r, ig = st.ignore;
    let t, v;
${fillBody}
  },
};`,
  ) as (h: typeof helpers) => Pick<ClassCodec, 'encode' | 'fill'>;
  return factory(helpers);
}

/** The source that writes field `i`: its value, `null`, or Absent when ignored. */
function encodeField(field: FieldSchema, i: number): string {
  const key = JSON.stringify(field.key);
  const ignored = ignoreTest(field);
  const fail = `else throw wrongType(W[${i}], F[${i}], v);`;
  let write: string;
  switch (field.type.kind) {
    case 'number':
    case 'int':
      write = `if (typeof v === 'number'${field.type.kind === 'int' ? ' && Number.isInteger(v)' : ''}) {
      if ((v | 0) === v && (v !== 0 || 1 / v > 0)) { w.u8(${Tag.A}); w.zigzag(v); } else { w.u8(${Tag.B}); w.f64(v); }
    } else if (v == null) w.u8(${Tag.Null});
    ${fail}`;
      break;
    case 'float':
      write = `if (typeof v === 'number') { w.u8(${Tag.B}); w.f64(v); }
    else if (v == null) w.u8(${Tag.Null});
    ${fail}`;
      break;
    case 'string':
      write = `if (typeof v === 'string') {
      if (v.length * 3 > maxStringBytes) checkStringBytes(W[${i}], v, maxStringBytes);
      w.u8(${Tag.A}); w.str(v);
    } else if (v == null) w.u8(${Tag.Null});
    ${fail}`;
      break;
    case 'boolean':
      write = `if (v === true) w.u8(${Tag.B});
    else if (v === false) w.u8(${Tag.A});
    else if (v == null) w.u8(${Tag.Null});
    ${fail}`;
      break;
    case 'class':
      write = `if (v == null) w.u8(${Tag.Null});
    else if (typeof v === 'object') rt.writeObject(st, v, D[${i}], depth + 1, W[${i}]);
    ${fail}`;
      break;
    default:
      write = `T[${i}].write(st, v, depth + 1, W[${i}]);`;
  }
  return `    v = o[${key}];
    if (ig !== undefined && ${ignored}) w.u8(${Tag.Absent});
    else ${write}`;
}

/** The source that reads field `i` and assigns it, unless Absent or ignored here. */
function fillField(field: FieldSchema, i: number): string {
  const key = JSON.stringify(field.key);
  const bad = `else throw badTag(W[${i}], F[${i}], t);`;
  let read: string;
  switch (field.type.kind) {
    case 'number':
    case 'float':
      read = `if (t === ${Tag.A}) v = r.zigzag(); else if (t === ${Tag.B}) v = r.f64(); else if (t === ${Tag.Null}) v = null; ${bad}`;
      break;
    case 'int':
      read = `if (t === ${Tag.A}) v = r.zigzag(); else if (t === ${Tag.B} && Number.isInteger(v = r.f64())) {} else if (t === ${Tag.Null}) v = null; ${bad}`;
      break;
    case 'string':
      read = `if (t === ${Tag.A}) v = r.str(maxStringBytes); else if (t === ${Tag.Null}) v = null; ${bad}`;
      break;
    case 'boolean':
      read = `if (t === ${Tag.B}) v = true; else if (t === ${Tag.A}) v = false; else if (t === ${Tag.Null}) v = null; ${bad}`;
      break;
    case 'class':
      read = `v = t === ${Tag.Null} ? null : rt.readObject(st, t, D[${i}], depth + 1, W[${i}]);`;
      break;
    default:
      read = `v = T[${i}].read(st, t, depth + 1, W[${i}]);`;
  }
  return `    t = r.u8();
    if (t !== ${Tag.Absent}) {
      ${read}
      if (ig === undefined || !(${ignoreTest(field)})) o[${key}] = v;
    }`;
}

function ignoreTest(field: FieldSchema): string {
  const key = JSON.stringify(field.key);
  return field.key === field.wireName ? `ig.has(${key})` : `(ig.has(${key}) || ig.has(${JSON.stringify(field.wireName)}))`;
}

/** A JavaScript identifier made from a wire name, for readable stack traces. */
function identifier(name: string): string {
  return name.replace(/[^A-Za-z0-9_$]/g, '_');
}
