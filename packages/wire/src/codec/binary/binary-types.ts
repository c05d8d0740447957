import { BadDataError, type FieldType, type MapFieldType } from '@oon/core';
import {
  badMapKey,
  badTag,
  Tag,
  wrongType,
  type ClassCodec,
  type DecodeState,
  type EncodeState,
  type TypeCodec,
} from './binary-format';
import { checkStringBytes, tooDeep, tooLong, tooManyBytes, type ResolvedCodecOptions } from '../codec-options';
import { describeJson, isPlainObject } from '../json/json-values';

/** What the type codecs need from the binary codec's runtime. */
export interface BinaryRuntime {
  readonly options: ResolvedCodecOptions;
  typeCodec(type: FieldType): TypeCodec;
  writeObject(st: EncodeState, value: object, declared: Function | undefined, depth: number, where: string): void;
  /** Writes a class's name and field count, the first time it appears in a message. */
  nameClass(st: EncodeState, cc: ClassCodec): void;
  /**
   * The codecs of the untracked registered classes a field declared as `declared` may
   * hold (itself, then its subclasses registered so far; a bounded few), which compiled
   * code handles in line; any other class goes through `writeObject` and `readObject`.
   */
  plainVariants(declared: Function): ClassCodec[];
  readObject(st: DecodeState, tag: number, declared: Function | undefined, depth: number, where: string): object;
  /** Reads a plain (untracked) object of a class already read (`cc`): checks it extends `declared`, builds and fills it. */
  readObjectOf(st: DecodeState, cc: ClassCodec, declared: Function, depth: number, where: string): object;
  /**
   * The class whose definition is next in the payload, when it is the class named at this
   * position in the last message: steps over it and counts it as named in this one.
   * Undefined, with the cursor unmoved, otherwise.
   */
  recentClass(st: DecodeState): ClassCodec | undefined;
  /** Throws the `maxDepth` error for an encoding, explaining a cycle if there is one. */
  tooDeepOnWrite(st: EncodeState, where: string): never;
}

/** Writes a number as a zigzag varint when it is a 32-bit integer (not -0), else as float64. */
export function writeNumber(st: EncodeState, v: number): void {
  if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
    st.w.u8(Tag.A);
    st.w.zigzag(v);
  } else {
    st.w.u8(Tag.B);
    st.w.f64(v);
  }
}

/** Builds the codec of one field type; collections get their element codecs from `rt`. */
export function buildTypeCodec(rt: BinaryRuntime, type: FieldType): TypeCodec {
  const { maxStringBytes: maxBytes, maxCollectionLength: maxLength, maxDepth } = rt.options;
  /** A codec from its non-null write and read; null (and undefined, unless optional) is handled here. */
  const make = (
    write: (st: EncodeState, v: unknown, depth: number, where: string) => boolean,
    read: (st: DecodeState, tag: number, depth: number, where: string) => unknown,
  ): TypeCodec => ({
    write(st, v, depth, where) {
      if (v == null) st.w.u8(Tag.Null);
      else if (!write(st, v, depth, where)) throw wrongType(where, type, v);
    },
    read(st, tag, depth, where) {
      if (tag === Tag.Null) return null;
      const value = read(st, tag, depth, where);
      if (value === undefined) throw badTag(where, type, tag);
      return value;
    },
  });
  const collectionDepth = (depth: number, where: string): void => {
    if (depth > maxDepth) throw tooDeep(where, maxDepth);
  };

  switch (type.kind) {
    case 'number':
    case 'int':
    case 'float':
      return make(
        (st, v) => {
          if (typeof v !== 'number' || (type.kind === 'int' && !Number.isInteger(v))) return false;
          if (type.kind === 'float') {
            st.w.u8(Tag.B);
            st.w.f64(v);
          } else writeNumber(st, v);
          return true;
        },
        (st, tag) => {
          const v = tag === Tag.A ? st.r.zigzag() : tag === Tag.B ? st.r.f64() : undefined;
          return type.kind === 'int' && v !== undefined && !Number.isInteger(v) ? undefined : v;
        },
      );
    case 'string':
      return make(
        (st, v, _depth, where) => {
          if (typeof v !== 'string') return false;
          checkStringBytes(where, v, maxBytes);
          st.w.u8(Tag.A);
          st.w.str(v);
          return true;
        },
        (st, tag) => (tag === Tag.A ? st.r.str(maxBytes) : undefined),
      );
    case 'boolean':
      return make(
        (st, v) => typeof v === 'boolean' && (st.w.u8(v ? Tag.B : Tag.A), true),
        (_st, tag) => (tag === Tag.A ? false : tag === Tag.B ? true : undefined),
      );
    case 'null':
      return make(
        () => false,
        () => undefined,
      );
    case 'json':
      return make(
        (st, v, depth, where) => {
          st.w.u8(Tag.A);
          st.w.str(plainJsonText(v, where, depth, maxDepth));
          return true;
        },
        (st, tag, depth, where) => (tag === Tag.A ? readPlainJson(st.r.str(maxBytes), where, depth, maxDepth) : undefined),
      );
    case 'date':
      return make(
        (st, v, _depth, where) => {
          if (!(v instanceof Date)) return false;
          const time = v.getTime();
          if (Number.isNaN(time)) throw new BadDataError(`${where}: an invalid Date cannot be sent`);
          st.w.u8(Tag.A);
          st.w.f64(time);
          return true;
        },
        (st, tag, _depth, where) => {
          if (tag !== Tag.A) return undefined;
          const date = new Date(st.r.f64());
          if (Number.isNaN(date.getTime())) throw new BadDataError(`${where}: the payload holds an invalid Date`);
          return date;
        },
      );
    case 'bigint':
      return make(
        (st, v) => {
          if (typeof v !== 'bigint') return false;
          if (BigInt.asIntN(64, v) === v) {
            st.w.u8(Tag.A);
            st.w.i64(v);
          } else {
            st.w.u8(Tag.B);
            st.w.str(v.toString(16));
          }
          return true;
        },
        (st, tag, _depth, where) => (tag === Tag.A ? st.r.i64() : tag === Tag.B ? readBigHex(st.r.str(maxBytes), where) : undefined),
      );
    case 'bytes':
      return make(
        (st, v, _depth, where) => {
          if (!(v instanceof Uint8Array)) return false;
          if (v.byteLength > maxBytes) throw tooManyBytes(where, 'a bytes value', v.byteLength, maxBytes);
          st.w.u8(Tag.A);
          st.w.bytes(v);
          return true;
        },
        (st, tag) => (tag === Tag.A ? st.r.bytes(maxBytes) : undefined),
      );
    case 'enum':
      return make(
        (st, v) => {
          if ((typeof v !== 'number' && typeof v !== 'string') || !type.values.has(v)) return false;
          if (typeof v === 'number') writeNumber(st, v);
          else {
            st.w.u8(Tag.C);
            st.w.str(v);
          }
          return true;
        },
        (st, tag, _depth, where) => {
          const v = tag === Tag.A ? st.r.zigzag() : tag === Tag.B ? st.r.f64() : tag === Tag.C ? st.r.str(maxBytes) : undefined;
          if (v !== undefined && !type.values.has(v)) throw new BadDataError(`${where}: ${describeValue(v)} is not a member of enum ${type.name}`);
          return v;
        },
      );
    case 'class':
      return make(
        (st, v, depth, where) => typeof v === 'object' && (rt.writeObject(st, v as object, type.ctor, depth, where), true),
        (st, tag, depth, where) => rt.readObject(st, tag, type.ctor, depth, where),
      );
    case 'optional': {
      const inner = rt.typeCodec(type.of);
      return {
        write: (st, v, depth, where) => (v === undefined ? st.w.u8(Tag.Undefined) : inner.write(st, v, depth, where)),
        read: (st, tag, depth, where) => (tag === Tag.Undefined ? undefined : inner.read(st, tag, depth, where)),
      };
    }
    case 'array':
    case 'set': {
      const item = rt.typeCodec(type.of);
      const isSet = type.kind === 'set';
      return make(
        (st, v, depth, where) => {
          if (isSet ? !(v instanceof Set) : !Array.isArray(v)) return false;
          const items = v as Iterable<unknown> & { length?: number; size?: number };
          const length = (isSet ? items.size : items.length) as number;
          if (length > maxLength) throw tooLong(where, isSet ? 'a Set' : 'an array', length, maxLength);
          if (depth > maxDepth) rt.tooDeepOnWrite(st, where);
          st.w.u8(Tag.A);
          st.w.varuint(length);
          for (const element of items) item.write(st, element, depth + 1, where);
          return true;
        },
        (st, tag, depth, where) => {
          if (tag !== Tag.A) return undefined;
          collectionDepth(depth, where);
          const length = st.r.count(maxLength, isSet ? 'a Set' : 'an array');
          if (isSet) {
            const set = new Set<unknown>();
            for (let i = 0; i < length; i++) set.add(item.read(st, st.r.u8(), depth + 1, where));
            return set;
          }
          const array: unknown[] = new Array(length);
          for (let i = 0; i < length; i++) array[i] = item.read(st, st.r.u8(), depth + 1, where);
          return array;
        },
      );
    }
    case 'map':
      return mapCodec(rt, type, make, collectionDepth);
  }
}

function mapCodec(
  rt: BinaryRuntime,
  type: MapFieldType,
  make: (
    write: (st: EncodeState, v: unknown, depth: number, where: string) => boolean,
    read: (st: DecodeState, tag: number, depth: number, where: string) => unknown,
  ) => TypeCodec,
  collectionDepth: (depth: number, where: string) => void,
): TypeCodec {
  const { maxStringBytes: maxBytes, maxCollectionLength: maxLength, maxDepth } = rt.options;
  const value = rt.typeCodec(type.value);
  const keyKind = type.key.kind;
  return make(
    (st, v, depth, where) => {
      if (!(v instanceof Map)) return false;
      if (v.size > maxLength) throw tooLong(where, 'a Map', v.size, maxLength);
      if (depth > maxDepth) rt.tooDeepOnWrite(st, where);
      st.w.u8(Tag.A);
      st.w.varuint(v.size);
      for (const [key, item] of v) {
        if (keyKind === 'string' && typeof key === 'string') {
          checkStringBytes(where, key, maxBytes);
          st.w.str(key);
        } else if (keyKind === 'number' ? typeof key === 'number' : keyKind === 'int' && Number.isInteger(key)) writeNumber(st, key as number);
        else throw badMapKey(where, key, keyKind);
        value.write(st, item, depth + 1, where);
      }
      return true;
    },
    (st, tag, depth, where) => {
      if (tag !== Tag.A) return undefined;
      collectionDepth(depth, where);
      const length = st.r.count(maxLength, 'a Map');
      const map = new Map<unknown, unknown>();
      for (let i = 0; i < length; i++) {
        let key: string | number;
        if (keyKind === 'string') key = st.r.str(maxBytes);
        else {
          const keyTag = st.r.u8();
          key = keyTag === Tag.A ? st.r.zigzag() : keyTag === Tag.B ? st.r.f64() : Number.NaN;
          if (keyKind === 'int' ? !Number.isInteger(key) : Number.isNaN(key) && keyTag !== Tag.B) {
            throw new BadDataError(`${where}: the payload holds a Map key that is not a ${keyKind}`);
          }
        }
        map.set(key, value.read(st, st.r.u8(), depth + 1, where));
      }
      return map;
    },
  );
}

function readBigHex(text: string, where: string): bigint {
  if (!/^-?[0-9a-f]+$/.test(text)) throw new BadDataError(`${where}: the payload holds a malformed bigint`);
  return text.startsWith('-') ? -BigInt(`0x${text.slice(1)}`) : BigInt(`0x${text}`);
}

/** Checks a `t.json` value (plain data, within maxDepth) and returns its JSON text. */
function plainJsonText(value: unknown, where: string, depth: number, maxDepth: number): string {
  const check = (item: unknown, level: number, path: string): void => {
    if (typeof item !== 'object' || item === null) {
      if (typeof item === 'function' || typeof item === 'bigint' || typeof item === 'symbol' || item === undefined) {
        throw new BadDataError(`${path}: a t.json field holds plain JSON, got ${typeof item}`);
      }
      return;
    }
    if (level > maxDepth) throw tooDeep(path, maxDepth);
    if (Array.isArray(item)) item.forEach((child, i) => check(child, level + 1, `${path}[${i}]`));
    else if (isPlainObject(item)) for (const [key, child] of Object.entries(item)) check(child, level + 1, `${path}.${key}`);
    else throw new BadDataError(`${path}: a t.json field holds plain JSON (objects, arrays, strings, numbers, booleans, null), got ${describeJson(item)}`);
  };
  check(value, depth, where);
  return JSON.stringify(value);
}

/** Parses a `t.json` value's text, refusing nesting past `maxDepth` (JSON.parse itself takes any depth). */
function readPlainJson(text: string, where: string, depth: number, maxDepth: number): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new BadDataError(`${where}: the payload holds a t.json value that is not JSON`, { cause });
  }
  const check = (item: unknown, level: number): void => {
    if (typeof item !== 'object' || item === null) return;
    if (level > maxDepth) throw tooDeep(where, maxDepth);
    for (const child of Array.isArray(item) ? item : Object.values(item)) check(child, level + 1);
  };
  check(value, depth);
  return value;
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${String(value)}`;
}
