import {
  BadDataError,
  describeType,
  isSameOrSubclass,
  type FieldType,
  type MapFieldType,
  type NetClassType,
  type NetMessage,
} from '@oon/core';
import { checkStringBytes, tooDeep, tooLong, tooManyBytes, tooManyDigits, type ResolvedCodecOptions } from '../codec-options';
import { findCycle } from '../cycle-finder';
import { describeJson } from './json-values';
import type { JsonPeer } from './json-peer';
import { pyFloat, pyInt, pyNumber, pyString } from './python-json';
import { cannotSend } from '../../schema/schema-agreement';
import { toBase64 } from '../../platform/bytes';

/**
 * One encoding by the JSON codec: walks a message's object by its schema and writes the
 * origin's JSON text (docs/protocol.md), plus the tagged forms of the types the origin
 * lacks. Holds what one message needs (the ignore set, the objects already written).
 */
export class JsonWriter {
  readonly #options: ResolvedCodecOptions;
  readonly #originOnly: boolean;
  readonly #ignore: ReadonlySet<string> | undefined;
  readonly #root: object;
  #refs: Map<object, number> | undefined;
  /** A peer whose schema differs: what it cannot read is refused, unless in a field it skips. */
  readonly #peer: JsonPeer | undefined;
  /** Above 0 while writing a field the peer skips. */
  #dropped = 0;

  constructor(options: ResolvedCodecOptions, originOnly: boolean, message: NetMessage, peer?: JsonPeer) {
    this.#options = options;
    this.#peer = peer;
    this.#originOnly = originOnly;
    this.#ignore = message.ignore.length === 0 ? undefined : new Set(message.ignore);
    this.#root = message.object;
  }

  /** The message as JSON text. */
  write(message: NetMessage): string {
    const body = this.#object(message.object, undefined, 'body', 0);
    return `{"head": {"uuid": ${pyString(message.uuid)}}, "body": ${body}}`;
  }

  #object(value: object, declared: NetClassType | undefined, path: string, depth: number): string {
    const { registry } = this.#options;
    const ctor = value.constructor;
    const name = registry.nameOf(ctor);
    if (name === undefined) {
      const what = ctor === Object || ctor === undefined ? 'a plain object' : `an instance of ${ctor.name}`;
      throw new BadDataError(`${path}: cannot send ${what}; only instances of @NetClass classes are sent`);
    }
    if (declared !== undefined && !isSameOrSubclass(ctor, declared)) {
      throw new BadDataError(`${path}: expected ${declared.name}, got ${name}, which does not extend it`);
    }
    const schema = registry.schemaOf(ctor as NetClassType);
    const peer = this.#peer;
    const refused = peer?.refused.get(name);
    if (refused !== undefined && this.#dropped === 0) throw cannotSend(refused, path);
    const dropped = peer?.dropped.get(name);
    let out = `{"type": ${pyString(name)}`;
    if (this.#options.references || schema.references) {
      if (this.#originOnly) throw cannotCarry(path, `shared references (${name} is sent with references)`);
      const refs = (this.#refs ??= new Map());
      const id = refs.get(value);
      if (id !== undefined) return `{"$ref": ${id}}`;
      out += `, "$id": ${refs.size}`;
      refs.set(value, refs.size);
    }
    this.#checkDepth(path, depth);
    const record = value as Record<string, unknown>;
    const ignore = this.#ignore;
    for (const field of schema.fieldsByWireOrder) {
      if (ignore !== undefined && (ignore.has(field.key) || ignore.has(field.wireName))) continue;
      const item = record[field.key];
      if (item === undefined && field.type.kind === 'optional') continue;
      const skipped = dropped?.has(field.wireName) === true;
      if (skipped) this.#dropped++;
      out += `, ${pyString(field.wireName)}: ${this.#value(item, field.type, `${path}.${field.wireName}`, depth + 1)}`;
      if (skipped) this.#dropped--;
    }
    return out + '}';
  }

  #value(value: unknown, type: FieldType, path: string, depth: number): string {
    if (value === null) return 'null';
    if (value === undefined) return type.kind === 'optional' && !this.#originOnly ? '{"type": "undefined"}' : 'null';
    if (this.#originOnly && ORIGIN_LACKS.has(type.kind)) throw cannotCarry(path, `a ${describeType(type)} value`);
    switch (type.kind) {
      case 'number':
        if (typeof value === 'number') return pyNumber(value);
        break;
      case 'int':
        if (Number.isInteger(value)) return pyInt(value as number);
        break;
      case 'float':
        if (typeof value === 'number') return pyFloat(value);
        break;
      case 'string':
        if (typeof value === 'string') {
          checkStringBytes(path, value, this.#options.maxStringBytes);
          return pyString(value);
        }
        break;
      case 'boolean':
        if (typeof value === 'boolean') return value ? 'true' : 'false';
        break;
      case 'null':
        break;
      case 'json':
        return this.#plain(value, path, depth);
      case 'date':
        if (value instanceof Date) {
          if (Number.isNaN(value.getTime())) throw new BadDataError(`${path}: an invalid Date cannot be sent`);
          return `{"type": "Date", "value": "${value.toISOString()}"}`;
        }
        break;
      case 'bigint':
        if (typeof value === 'bigint') return `{"type": "bigint", "value": "${this.#bigint(value, path)}"}`;
        break;
      case 'bytes':
        if (value instanceof Uint8Array) {
          if (value.byteLength > this.#options.maxStringBytes) {
            throw tooManyBytes(path, 'a bytes value', value.byteLength, this.#options.maxStringBytes);
          }
          return `{"type": "bytes", "value": "${toBase64(value)}"}`;
        }
        break;
      case 'enum':
        if ((typeof value === 'number' || typeof value === 'string') && type.values.has(value)) {
          const member = typeof value === 'number' ? pyNumber(value) : pyString(value);
          return `{"type": ${pyString(type.name)}, "value": ${member}}`;
        }
        break;
      case 'class':
        if (typeof value === 'object') return this.#object(value, type.ctor, path, depth);
        break;
      case 'optional':
        return this.#value(value, type.of, path, depth);
      case 'array':
        if (Array.isArray(value)) return this.#array(value, type.of, path, depth);
        break;
      case 'set':
        if (value instanceof Set) return `{"type": "Set", "value": ${this.#array([...this.#sized(value, path)], type.of, path, depth)}}`;
        break;
      case 'map':
        if (value instanceof Map) return this.#map(value, type, path, depth);
        break;
    }
    throw new BadDataError(`${path}: expected ${describeType(type)}, got ${describeJson(value)}`);
  }

  #array(items: readonly unknown[], of: FieldType, path: string, depth: number): string {
    this.#checkDepth(path, depth);
    if (items.length > this.#options.maxCollectionLength) throw tooLong(path, 'an array', items.length, this.#options.maxCollectionLength);
    if (this.#originOnly && holdsObjects(of)) {
      throw cannotCarry(path, `a list of objects (${describeType({ kind: 'array', of })})`);
    }
    return `[${items.map((item, i) => this.#value(item, of, `${path}[${i}]`, depth + 1)).join(', ')}]`;
  }

  #map(map: Map<unknown, unknown>, type: MapFieldType, path: string, depth: number): string {
    this.#checkDepth(path, depth);
    this.#sized(map, path);
    const entries: string[] = [];
    for (const [key, item] of map) {
      const itemPath = `${path}[${typeof key === 'string' ? JSON.stringify(key) : String(key)}]`;
      entries.push(`[${this.#key(key, type.key.kind, itemPath)}, ${this.#value(item, type.value, itemPath, depth + 1)}]`);
    }
    return `{"type": "Map", "value": [${entries.join(', ')}]}`;
  }

  #key(key: unknown, kind: MapFieldType['key']['kind'], path: string): string {
    if (kind === 'string' && typeof key === 'string') return pyString(key);
    if (kind === 'number' && typeof key === 'number') return pyNumber(key);
    if (kind === 'int' && Number.isInteger(key)) return pyInt(key as number);
    throw new BadDataError(`${path}: a Map key must be ${kind === 'string' ? 'a string' : `a ${kind === 'int' ? 'integer' : 'number'}`}, got ${describeJson(key)}`);
  }

  #sized<C extends { readonly size: number }>(collection: C, path: string): C {
    if (collection.size > this.#options.maxCollectionLength) {
      throw tooLong(path, collection instanceof Map ? 'a Map' : 'a Set', collection.size, this.#options.maxCollectionLength);
    }
    return collection;
  }

  /** Writes a free JSON value (a `t.json` field) with Python's formatting, keys in insertion order. */
  /** A bigint's decimal digits, refused past `maxBigIntDigits`: the peer would refuse them unread. */
  #bigint(value: bigint, path: string): string {
    const text = value.toString();
    const digits = value < 0n ? text.length - 1 : text.length;
    if (digits > this.#options.maxBigIntDigits) throw tooManyDigits(path, digits, this.#options.maxBigIntDigits);
    return text;
  }

  #plain(value: unknown, path: string, depth: number): string {
    this.#checkDepth(path, depth);
    if (value === null) return 'null';
    switch (typeof value) {
      case 'boolean':
        return value ? 'true' : 'false';
      case 'number':
        return pyNumber(value);
      case 'string':
        return pyString(value);
      case 'object':
        if (Array.isArray(value)) {
          return `[${value.map((item, i) => this.#plain(item, `${path}[${i}]`, depth + 1)).join(', ')}]`;
        }
        if (isPlainRecord(value)) {
          const entries = Object.entries(value).map(([key, item]) => `${pyString(key)}: ${this.#plain(item, `${path}.${key}`, depth + 1)}`);
          return `{${entries.join(', ')}}`;
        }
    }
    throw new BadDataError(`${path}: a t.json field holds plain JSON (objects, arrays, strings, numbers, booleans, null), got ${describeJson(value)}`);
  }

  #checkDepth(path: string, depth: number): void {
    if (depth > this.#options.maxDepth) {
      throw tooDeep(path, this.#options.maxDepth, findCycle(this.#options.registry, this.#root, 'body', this.#options.maxDepth));
    }
  }
}

/** Types the origin's JSON has no form for: it would try to load them as classes and fail. */
const ORIGIN_LACKS: ReadonlySet<FieldType['kind']> = new Set(['date', 'bigint', 'bytes', 'set', 'map']);

function cannotCarry(path: string, what: string): BadDataError {
  return new BadDataError(`${path}: the origin's wire (oon 0.0.5) cannot carry ${what}; send it over protocol 'oon'`);
}

/** True for array types whose elements are (or contain) registered objects. */
function holdsObjects(type: FieldType): boolean {
  return type.kind === 'class' || ((type.kind === 'array' || type.kind === 'optional') && holdsObjects(type.of));
}

function isPlainRecord(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
