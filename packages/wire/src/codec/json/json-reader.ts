import {
  BadDataError,
  createInstance,
  describeType,
  isSameOrSubclass,
  type ClassSchema,
  type EnumFieldType,
  type FieldType,
  type MapFieldType,
  type NetClassType,
} from '@oon/core';
import { checkStringBytes, tooDeep, tooLong, tooManyBytes, tooManyDigits, type ResolvedCodecOptions } from '../codec-options';
import type { JsonPeer } from './json-peer';
import { describeJson, isPlainObject } from './json-values';
import { cannotReceive } from '../../schema/schema-agreement';
import { optionalFields } from '../../schema/schema-extras';
import { hasValidation, validateRevived } from '../validation';
import { fromBase64 } from '../../platform/bytes';

/** Stands in for a shared object in a field this side skipped. */
const UNREAD: object = Object.freeze(Object.create(null) as object);

const BIGINT_TEXT = /^-?[0-9]+$/;
const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * One decoding by the JSON codec: revives a parsed message body by the registry's
 * schemas, strictly (docs/protocol.md), then validates what class-validator should see.
 */
export class JsonReader {
  readonly #options: ResolvedCodecOptions;
  readonly #ignore: ReadonlySet<string> | undefined;
  /** Objects sent with `"$id"`, by id, for `{"$ref": id}`. */
  readonly #objects: object[] = [];
  readonly #toValidate: object[] = [];
  readonly #peer: JsonPeer | undefined;
  /** The origin's way: a key this side's class lacks is skipped, not refused. */
  readonly #lenient: boolean;

  /**
   * `peer`: a peer whose schema differs, whose classes are read by their resolution
   * (docs/evolution.md). `lenient`: skip keys no field is declared for, as the origin did.
   */
  constructor(options: ResolvedCodecOptions, ignore: readonly string[], peer?: JsonPeer, lenient = false) {
    this.#options = options;
    this.#ignore = ignore.length === 0 ? undefined : new Set(ignore);
    this.#peer = peer;
    this.#lenient = lenient;
  }

  /** Revives the body, then validates; throws `BadData`. */
  read(body: unknown): object {
    const object = this.#object(body, undefined, 'body', 0);
    validateRevived(this.#toValidate);
    return object;
  }

  #object(json: unknown, declared: NetClassType | undefined, path: string, depth: number): object {
    const expected = declared === undefined ? 'an object' : `a ${declared.name} object`;
    if (!isPlainObject(json)) throw new BadDataError(`${path}: expected ${expected}, got ${describeJson(json)}`);
    if (Object.hasOwn(json, '$ref')) return this.#reference(json['$ref'], declared, path);
    if (depth > this.#options.maxDepth) throw tooDeep(path, this.#options.maxDepth);
    const typeName = json['type'];
    if (typeof typeName !== 'string') {
      throw new BadDataError(`${path}: object has no "type" naming its class (expected ${expected})`);
    }
    const resolved = this.#peer?.classNamed(typeName);
    const ctor = resolved === undefined ? this.#options.registry.classByName(typeName) : resolved.ctor;
    if (ctor === undefined) {
      if (resolved !== undefined) throw cannotReceive(resolved.resolution, path);
      throw new BadDataError(
        `${path}: unknown class \`${typeName}\`; register it with @NetClass() on the receiving side, and import the module that declares it (a type-only import registers nothing)`,
      );
    }
    if (declared !== undefined && !isSameOrSubclass(ctor, declared)) {
      throw new BadDataError(`${path}: expected ${declared.name}, got ${typeName}, which does not extend it`);
    }
    const schema = this.#options.registry.schemaOf(ctor);
    const instance = createInstance(schema);
    if (Object.hasOwn(json, '$id')) this.#remember(instance, json['$id'], schema, path);
    const ignore = this.#ignore;
    for (const wireName of Object.keys(json)) {
      if (wireName === 'type' || wireName === '$id' || ignore?.has(wireName)) continue;
      // A peer's class that differs is read by its resolution: a field this side lacks is skipped.
      const field = resolved === undefined ? schema.fieldByWireName.get(wireName) : resolved.fields.get(wireName);
      if (field === undefined) {
        if (resolved?.fields.has(wireName) === true) this.#skipped(json[wireName], depth + 1);
        else if (!this.#lenient) throw new BadDataError(`${path}: class ${typeName} has no field \`${wireName}\``);
        continue;
      }
      if (ignore?.has(field.key)) continue;
      instance[field.key] = this.#value(json[wireName], field.type, `${path}.${wireName}`, depth + 1);
    }
    // An optional field the writer has, left out, was undefined there; one it lacks keeps its initial value.
    for (const [wireName, field] of resolved === undefined ? optionalFields(schema) : resolved.optional) {
      if (!Object.hasOwn(json, wireName) && ignore?.has(field.key) !== true && ignore?.has(wireName) !== true) instance[field.key] = undefined;
    }
    if (this.#options.validate && hasValidation(ctor)) this.#toValidate.push(instance);
    return instance;
  }

  /**
   * Steps over a value this side does not read. A shared object in it (`"$id"`) is still
   * revived when this side can read its class, or stands as unread, so the ids after it
   * line up and a later reference finds it (or is refused).
   */
  #skipped(json: unknown, depth: number): void {
    if (typeof json !== 'object' || json === null || depth > this.#options.maxDepth) return;
    if (isPlainObject(json) && Object.hasOwn(json, '$id') && typeof json['type'] === 'string') {
      if (this.#canRead(json['type'])) {
        this.#object(json, undefined, 'a skipped field', depth);
        return;
      }
      this.#objects.push(UNREAD);
    }
    for (const item of Array.isArray(json) ? json : Object.values(json)) this.#skipped(item, depth + 1);
  }

  /** Whether an object of the peer's class of this wire name can be revived here. */
  #canRead(name: string): boolean {
    const peer = this.#peer?.classNamed(name);
    return peer === undefined ? this.#options.registry.classByName(name) !== undefined : peer.ctor !== undefined;
  }

  #remember(instance: object, id: unknown, schema: ClassSchema, path: string): void {
    if (!this.#options.references && !schema.references) {
      throw new BadDataError(`${path}: the peer sent ${schema.name} as a shared reference ("$id"), but references are off here; set references: true on this endpoint or @NetClass({ references: true }) on ${schema.name}`);
    }
    if (id !== this.#objects.length) throw new BadDataError(`${path}: "$id" ${describeJson(id)} is out of order; expected ${this.#objects.length}`);
    this.#objects.push(instance);
  }

  #reference(id: unknown, declared: NetClassType | undefined, path: string): object {
    const object = typeof id === 'number' ? this.#objects[id] : undefined;
    if (object === undefined) throw new BadDataError(`${path}: {"$ref": ${describeJson(id)}} names no object sent before it`);
    if (object === UNREAD) throw new BadDataError(`${path}: {"$ref": ${describeJson(id)}} names an object in a field this side's schema lacks, which it did not read`);
    if (declared !== undefined && !isSameOrSubclass(object.constructor, declared)) {
      throw new BadDataError(`${path}: expected ${declared.name}, got a reference to a ${object.constructor.name}, which does not extend it`);
    }
    return object;
  }

  #value(json: unknown, type: FieldType, path: string, depth: number): unknown {
    if (json === null) return null;
    switch (type.kind) {
      case 'number':
      case 'float':
        if (typeof json === 'number') return json;
        break;
      case 'int':
        if (Number.isInteger(json)) return json;
        break;
      case 'string':
        if (typeof json === 'string') {
          checkStringBytes(path, json, this.#options.maxStringBytes);
          return json;
        }
        break;
      case 'boolean':
        if (typeof json === 'boolean') return json;
        break;
      case 'null':
        break;
      case 'json':
        checkPlainDepth(json, path, depth, this.#options.maxDepth);
        return json;
      case 'enum':
        return readEnum(json, type, path);
      case 'class':
        return this.#object(json, type.ctor, path, depth);
      case 'optional':
        if (isPlainObject(json) && json['type'] === 'undefined' && Object.keys(json).length === 1) return undefined;
        return this.#value(json, type.of, path, depth);
      case 'date':
        return readDate(tagged(json, 'Date', type, path), path);
      case 'bigint':
        return this.#bigint(tagged(json, 'bigint', type, path), path);
      case 'bytes':
        return this.#bytes(tagged(json, 'bytes', type, path), path);
      case 'array':
        if (Array.isArray(json)) return this.#array(json, type.of, path, depth);
        break;
      case 'set':
        return new Set(this.#array(tagged(json, 'Set', type, path), type.of, path, depth));
      case 'map':
        return this.#map(tagged(json, 'Map', type, path), type, path, depth);
    }
    throw new BadDataError(`${path}: expected ${describeType(type)}, got ${describeJson(json)}`);
  }

  #array(json: unknown, of: FieldType, path: string, depth: number): unknown[] {
    if (!Array.isArray(json)) throw new BadDataError(`${path}: expected an array of elements, got ${describeJson(json)}`);
    if (depth > this.#options.maxDepth) throw tooDeep(path, this.#options.maxDepth);
    if (json.length > this.#options.maxCollectionLength) throw tooLong(path, 'an array', json.length, this.#options.maxCollectionLength);
    return json.map((item, i) => this.#value(item, of, `${path}[${i}]`, depth + 1));
  }

  #map(json: unknown, type: MapFieldType, path: string, depth: number): Map<unknown, unknown> {
    if (!Array.isArray(json)) throw new BadDataError(`${path}: expected Map entries [[key, value], …], got ${describeJson(json)}`);
    if (depth > this.#options.maxDepth) throw tooDeep(path, this.#options.maxDepth);
    if (json.length > this.#options.maxCollectionLength) throw tooLong(path, 'a Map', json.length, this.#options.maxCollectionLength);
    const map = new Map<unknown, unknown>();
    for (let i = 0; i < json.length; i++) {
      const entry: unknown = json[i];
      if (!Array.isArray(entry) || entry.length !== 2) throw new BadDataError(`${path}[${i}]: a Map entry is [key, value], got ${describeJson(entry)}`);
      const key: unknown = entry[0];
      const ok = type.key.kind === 'string' ? typeof key === 'string' : type.key.kind === 'int' ? Number.isInteger(key) : typeof key === 'number';
      if (!ok) throw new BadDataError(`${path}[${i}]: a Map key must be a ${type.key.kind}, got ${describeJson(key)}`);
      if (typeof key === 'string') checkStringBytes(`${path}[${i}]`, key, this.#options.maxStringBytes);
      map.set(key, this.#value(entry[1], type.value, `${path}[${JSON.stringify(key)}]`, depth + 1));
    }
    return map;
  }

  #bigint(json: unknown, path: string): bigint {
    if (typeof json !== 'string' || !BIGINT_TEXT.test(json)) throw new BadDataError(`${path}: a bigint is sent as a string of digits, got ${describeJson(json)}`);
    // Before BigInt(): parsing decimal text takes superlinear time, the regex and this check linear.
    const digits = json.startsWith('-') ? json.length - 1 : json.length;
    if (digits > this.#options.maxBigIntDigits) throw tooManyDigits(path, digits, this.#options.maxBigIntDigits);
    return BigInt(json);
  }

  #bytes(json: unknown, path: string): Uint8Array {
    if (typeof json !== 'string' || json.length % 4 !== 0 || !BASE64_TEXT.test(json)) {
      throw new BadDataError(`${path}: bytes are sent as a base64 string, got ${describeJson(json)}`);
    }
    const size = (json.length / 4) * 3;
    if (size > this.#options.maxStringBytes + 2) throw tooManyBytes(path, 'a bytes value', size, this.#options.maxStringBytes);
    return fromBase64(json);
  }
}

/** The `value` of a tagged JSON form `{"type": tag, "value": …}`. */
function tagged(json: unknown, tag: string, type: FieldType, path: string): unknown {
  if (!isPlainObject(json) || json['type'] !== tag || !Object.hasOwn(json, 'value')) {
    throw new BadDataError(`${path}: expected ${describeType(type)} as {"type": "${tag}", "value": …}, got ${describeJson(json)}`);
  }
  return json['value'];
}

function readDate(json: unknown, path: string): Date {
  const date = typeof json === 'string' ? new Date(json) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) throw new BadDataError(`${path}: a Date is sent as an ISO 8601 string, got ${describeJson(json)}`);
  return date;
}

function readEnum(json: unknown, type: EnumFieldType, path: string): unknown {
  if (!isPlainObject(json) || json['type'] !== type.name || !Object.hasOwn(json, 'value')) {
    throw new BadDataError(`${path}: expected enum ${type.name} as {"type": "${type.name}", "value": …}, got ${describeJson(json)}`);
  }
  const value = json['value'];
  if ((typeof value !== 'number' && typeof value !== 'string') || !type.values.has(value)) {
    throw new BadDataError(`${path}: ${describeJson(value)} is not a member of enum ${type.name}`);
  }
  return value;
}

/** Refuses a parsed `t.json` value nested past `maxDepth` (JSON.parse itself takes any depth). */
function checkPlainDepth(json: unknown, path: string, depth: number, maxDepth: number): void {
  if (typeof json !== 'object' || json === null) return;
  if (depth > maxDepth) throw tooDeep(path, maxDepth);
  for (const item of Array.isArray(json) ? json : Object.values(json)) checkPlainDepth(item, path, depth + 1, maxDepth);
}
