import {
  BadDataError,
  createInstance,
  defaultRegistry,
  describeType,
  isSameOrSubclass,
  NetMessage,
  type ClassFieldType,
  type FieldType,
  type NetClassType,
  type Registry,
} from '@oon/core';
import type { Codec, CodecLimits } from './codec';
import { DEFAULT_MAX_DEPTH } from './constants';
import { pyFloat, pyInt, pyNumber, pyString } from './python-json';

/** Options of {@link JsonCodec}. */
export interface JsonCodecOptions extends CodecLimits {
  /** Where wire names are looked up. @default defaultRegistry */
  registry?: Registry;
  /**
   * Write only what the origin (Python oon 0.0.5) can read: a list holding objects is
   * refused with `BadData` rather than sent to a peer that would fail on it.
   * @default false
   */
  originOnly?: boolean;
}

type Ignore = ReadonlySet<string> | undefined;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The origin-compatible JSON codec: `{"head": {"uuid": …}, "body": {"type": "Car", …}}`,
 * written byte for byte as Python oon 0.0.5 writes it (see `docs/protocol.md`), and read
 * strictly: unknown classes, undeclared fields and values of the wrong type are `BadData`
 * errors that name the path (`body.trailer.car_inside.speed`).
 *
 * Beyond the origin, it writes and reads arrays of objects, and reads plain JSON objects
 * in fields declared `t.json`.
 */
export class JsonCodec implements Codec {
  readonly name = 'json';
  readonly #registry: Registry;
  readonly #maxDepth: number;
  readonly #originOnly: boolean;

  constructor(options: JsonCodecOptions = {}) {
    this.#registry = options.registry ?? defaultRegistry;
    this.#maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.#originOnly = options.originOnly ?? false;
  }

  /** Encodes a message as the origin's JSON text. */
  encode(message: NetMessage): string {
    const ignore = toSet(message.ignore);
    const body = this.#writeObject(message.object, undefined, 'body', ignore, 0);
    return `{"head": {"uuid": ${pyString(message.uuid)}}, "body": ${body}}`;
  }

  /** Decodes the origin's JSON text (or its UTF-8 bytes) into a message with a revived object. */
  decode(payload: Uint8Array | string, ignore: readonly string[] = []): NetMessage {
    const doc = parseJson(payload);
    if (!isPlainObject(doc)) throw new BadDataError(`a message is a JSON object {"head": …, "body": …}, got ${describeJson(doc)}`);
    if (!('head' in doc)) throw new BadDataError('message has no "head"; expected {"head": {"uuid": …}, "body": …}');
    if (!('body' in doc)) throw new BadDataError('message has no "body"; expected {"head": {"uuid": …}, "body": …}');
    const head = doc['head'];
    if (!isPlainObject(head)) throw new BadDataError(`message "head" must be an object, got ${describeJson(head)}`);
    const uuid = head['uuid'];
    if (uuid === undefined) throw new BadDataError('message head has no "uuid"');
    if (typeof uuid !== 'string') throw new BadDataError(`message head "uuid" must be a string, got ${describeJson(uuid)}`);
    const object = this.#readObject(doc['body'], undefined, 'body', toSet(ignore), 0);
    return new NetMessage(object, { uuid, ignore });
  }

  #writeObject(value: object, declared: NetClassType | undefined, path: string, ignore: Ignore, depth: number): string {
    this.#checkDepth(path, depth);
    const ctor = value.constructor;
    const name = this.#registry.nameOf(ctor);
    if (name === undefined) {
      const what = ctor === Object || ctor === undefined ? 'a plain object' : `an instance of ${ctor.name}`;
      throw new BadDataError(`${path}: cannot send ${what}; only instances of @NetClass classes are sent`);
    }
    if (declared !== undefined && !isSameOrSubclass(ctor, declared)) {
      throw new BadDataError(`${path}: expected ${declared.name}, got ${name}, which does not extend it`);
    }
    const record = value as Record<string, unknown>;
    let out = `{"type": ${pyString(name)}`;
    for (const field of this.#registry.schemaOf(ctor as NetClassType).fieldsByWireOrder) {
      if (ignore !== undefined && (ignore.has(field.key) || ignore.has(field.wireName))) continue;
      const fieldPath = `${path}.${field.wireName}`;
      out += `, ${pyString(field.wireName)}: ${this.#writeValue(record[field.key], field.type, fieldPath, ignore, depth + 1)}`;
    }
    return out + '}';
  }

  #writeValue(value: unknown, type: FieldType, path: string, ignore: Ignore, depth: number): string {
    if (value === null || value === undefined) return 'null';
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
        if (typeof value === 'string') return pyString(value);
        break;
      case 'boolean':
        if (typeof value === 'boolean') return value ? 'true' : 'false';
        break;
      case 'null':
        break;
      case 'json':
        return this.#writePlain(value, path, depth);
      case 'enum':
        if ((typeof value === 'number' || typeof value === 'string') && type.values.has(value)) {
          const member = typeof value === 'number' ? pyNumber(value) : pyString(value);
          return `{"type": ${pyString(type.name)}, "value": ${member}}`;
        }
        break;
      case 'class':
        if (typeof value === 'object') return this.#writeObject(value, type.ctor, path, ignore, depth);
        break;
      case 'array':
        if (Array.isArray(value)) {
          this.#checkDepth(path, depth);
          if (this.#originOnly && holdsObjects(type)) {
            throw new BadDataError(
              `${path}: the origin's wire (oon 0.0.5) cannot carry a list of objects (${describeType(type)}); send it over protocol 'oon'`,
            );
          }
          return `[${value.map((item, i) => this.#writeValue(item, type.of, `${path}[${i}]`, ignore, depth + 1)).join(', ')}]`;
        }
        break;
    }
    throw new BadDataError(`${path}: expected ${describeType(type)}, got ${describeJson(value)}`);
  }

  /** Writes a free JSON value (a `t.json` field) with Python's formatting, keys in insertion order. */
  #writePlain(value: unknown, path: string, depth: number): string {
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
          return `[${value.map((item, i) => this.#writePlain(item, `${path}[${i}]`, depth + 1)).join(', ')}]`;
        }
        if (isPlainObject(value)) {
          const entries = Object.entries(value).map(
            ([key, item]) => `${pyString(key)}: ${this.#writePlain(item, `${path}.${key}`, depth + 1)}`,
          );
          return `{${entries.join(', ')}}`;
        }
    }
    throw new BadDataError(`${path}: a t.json field holds plain JSON (objects, arrays, strings, numbers, booleans, null), got ${describeJson(value)}`);
  }

  #readObject(json: unknown, declared: NetClassType | undefined, path: string, ignore: Ignore, depth: number): object {
    this.#checkDepth(path, depth);
    const expected = declared === undefined ? 'an object' : `a ${declared.name} object`;
    if (!isPlainObject(json)) throw new BadDataError(`${path}: expected ${expected}, got ${describeJson(json)}`);
    const typeName = json['type'];
    if (typeof typeName !== 'string') {
      throw new BadDataError(`${path}: object has no "type" naming its class (expected ${expected})`);
    }
    const ctor = this.#registry.classByName(typeName);
    if (ctor === undefined) {
      throw new BadDataError(`${path}: unknown class \`${typeName}\`; register it with @NetClass() on the receiving side, and import the module that declares it (a type-only import registers nothing)`);
    }
    if (declared !== undefined && !isSameOrSubclass(ctor, declared)) {
      throw new BadDataError(`${path}: expected ${declared.name}, got ${typeName}, which does not extend it`);
    }
    const schema = this.#registry.schemaOf(ctor);
    const instance = createInstance(schema);
    for (const wireName of Object.keys(json)) {
      if (wireName === 'type' || ignore?.has(wireName)) continue;
      const field = schema.fieldByWireName.get(wireName);
      if (field === undefined) throw new BadDataError(`${path}: class ${typeName} has no field \`${wireName}\``);
      if (ignore?.has(field.key)) continue;
      instance[field.key] = this.#readValue(json[wireName], field.type, `${path}.${wireName}`, ignore, depth + 1);
    }
    return instance;
  }

  #readValue(json: unknown, type: FieldType, path: string, ignore: Ignore, depth: number): unknown {
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
        if (typeof json === 'string') return json;
        break;
      case 'boolean':
        if (typeof json === 'boolean') return json;
        break;
      case 'null':
        break;
      case 'json':
        return json;
      case 'enum':
        return readEnum(json, type, path);
      case 'class':
        return this.#readObject(json, (type as ClassFieldType).ctor, path, ignore, depth);
      case 'array':
        if (Array.isArray(json)) {
          this.#checkDepth(path, depth);
          return json.map((item, i) => this.#readValue(item, type.of, `${path}[${i}]`, ignore, depth + 1));
        }
        break;
    }
    throw new BadDataError(`${path}: expected ${describeType(type)}, got ${describeJson(json)}`);
  }

  #checkDepth(path: string, depth: number): void {
    if (depth > this.#maxDepth) {
      throw new BadDataError(`${path}: nested deeper than ${this.#maxDepth} levels (maxDepth); is there a reference cycle?`);
    }
  }
}

/** True for array types whose elements are (or contain) registered objects. */
function holdsObjects(type: FieldType): boolean {
  return type.kind === 'class' || (type.kind === 'array' && holdsObjects(type.of));
}

function readEnum(json: unknown, type: Extract<FieldType, { kind: 'enum' }>, path: string): unknown {
  if (!isPlainObject(json) || json['type'] !== type.name || !('value' in json)) {
    throw new BadDataError(`${path}: expected enum ${type.name} as {"type": "${type.name}", "value": …}, got ${describeJson(json)}`);
  }
  const value = json['value'];
  if ((typeof value !== 'number' && typeof value !== 'string') || !type.values.has(value)) {
    throw new BadDataError(`${path}: ${describeJson(value)} is not a member of enum ${type.name}`);
  }
  return value;
}

function parseJson(payload: Uint8Array | string): unknown {
  let text: string;
  try {
    text = typeof payload === 'string' ? payload : utf8.decode(payload);
  } catch (cause) {
    throw new BadDataError('message is not valid UTF-8 text', { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new BadDataError(`message is not valid JSON (${(cause as Error).message})`, { cause });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function toSet(names: readonly string[]): Ignore {
  return names.length === 0 ? undefined : new Set(names);
}

/** Describes a received or given value in a few words, for error messages. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': {
      const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
      return `string ${JSON.stringify(shown)}`;
    }
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    case 'object': {
      const type = (value as Record<string, unknown>)['type'];
      return typeof type === 'string' && isPlainObject(value) ? `an object of type "${type}"` : 'an object';
    }
    default:
      return typeof value;
  }
}
