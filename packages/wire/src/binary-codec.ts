import {
  BadDataError,
  createInstance,
  isSameOrSubclass,
  NetMessage,
  type FieldType,
  type NetClassType,
} from '@oon/core';
import { compileClass } from './binary-compiler';
import {
  BINARY_FORMAT_VERSION,
  ObjectTag,
  type ClassCodec,
  type DecodeState,
  type EncodeState,
  type TypeCodec,
} from './binary-format';
import { buildTypeCodec, type BinaryRuntime } from './binary-types';
import { ByteReader } from './byte-reader';
import { ByteWriter } from './byte-writer';
import type { Codec } from './codec';
import { resolveCodecOptions, tooDeep, type CodecOptions, type ResolvedCodecOptions } from './codec-options';
import { findCycle } from './cycle-finder';
import { describeJson, isPlainObject } from './json-values';
import { JsonWriter } from './json-writer';
import { hasValidation, validateRevived } from './validation';

/** Options of {@link BinaryCodec}: the registry, the limits, references and validation. */
export type BinaryCodecOptions = CodecOptions;

/**
 * The binary codec, the default between OON peers: each class's encoder and decoder is
 * generated once, on first use, from its schema (see `binary-compiler.ts`), and writes
 * into one growing buffer. The byte layout is in docs/protocol.md. A truncated or
 * malformed payload fails with `BadData` and is never read past its end.
 *
 * @example
 * ```ts
 * const codec = new BinaryCodec({ registry });
 * const bytes = codec.encode(new NetMessage(car));
 * const again = codec.decode(bytes).object; // a Car
 * ```
 */
export class BinaryCodec implements Codec, BinaryRuntime {
  readonly name = 'binary';
  /** @internal */
  readonly options: ResolvedCodecOptions;
  readonly #writer = new ByteWriter();
  readonly #byCtor = new Map<Function, ClassCodec>();
  readonly #byName = new Map<string, ClassCodec>();
  readonly #types = new Map<FieldType, TypeCodec>();
  #gen = 0;

  constructor(options: BinaryCodecOptions = {}) {
    this.options = resolveCodecOptions(options);
  }

  /** Encodes a message: `[u8 version][uuid][root object]`. */
  encode(message: NetMessage): Uint8Array {
    const w = this.#writer;
    w.reset();
    const st: EncodeState = {
      w,
      gen: ++this.#gen,
      nextClassId: 0,
      refs: undefined,
      ignore: message.ignore.length === 0 ? undefined : new Set(message.ignore),
      root: message.object,
    };
    w.u8(BINARY_FORMAT_VERSION);
    w.str(message.uuid);
    if (typeof message.object !== 'object' || message.object === null) {
      throw new BadDataError(`body: cannot send ${describeJson(message.object)}; only instances of @NetClass classes are sent`);
    }
    try {
      this.writeObject(st, message.object, undefined, 0, 'body');
    } catch (err) {
      throw withFullPath(err, this.options, message);
    }
    return w.finish();
  }

  /** Decodes a payload into a message with revived, validated instances; throws `BadData`. */
  decode(payload: Uint8Array | string, ignore: readonly string[] = []): NetMessage {
    if (typeof payload === 'string') throw new BadDataError('a binary payload cannot be text; is the peer using the json codec?');
    const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    const r = new ByteReader(buf);
    const st: DecodeState = { r, classes: [], objects: [], toValidate: [], ignore: ignore.length === 0 ? undefined : new Set(ignore) };
    const version = r.u8();
    if (version !== BINARY_FORMAT_VERSION) {
      throw new BadDataError(`binary payload is of format ${version}, this side reads format ${BINARY_FORMAT_VERSION}`);
    }
    // The uuid and class names are bounded by the payload itself, not by maxStringBytes (meant for field values).
    const uuid = r.str(r.end);
    const object = this.readObject(st, r.u8(), undefined, 0, 'body');
    if (r.pos !== r.end) throw new BadDataError(`binary payload has ${r.end - r.pos} bytes after the message; it is malformed`);
    validateRevived(st.toValidate);
    return new NetMessage(object, { uuid, ignore });
  }

  /** @internal The codec of a field type, built once. */
  typeCodec(type: FieldType): TypeCodec {
    let codec = this.#types.get(type);
    if (codec === undefined) {
      // Registered before it is built, so a collection of a class that holds the same collection type finds it.
      const ref: TypeCodec = { write: (...a) => (codec as TypeCodec).write(...a), read: (...a) => (codec as TypeCodec).read(...a) };
      this.#types.set(type, ref);
      codec = buildTypeCodec(this, type);
      this.#types.set(type, codec);
    }
    return codec;
  }

  /** @internal Writes an object: its tag, its class (named once per message), its fields. */
  writeObject(st: EncodeState, value: object, declared: Function | undefined, depth: number, where: string): void {
    const ctor = value.constructor;
    const cc = this.#byCtor.get(ctor) ?? this.#classCodecFor(ctor, where);
    if (declared !== undefined && ctor !== declared && !isSameOrSubclass(ctor, declared)) {
      throw new BadDataError(`${where}: expected ${declared.name}, got ${cc.schema.name}, which does not extend it`);
    }
    const w = st.w;
    let tag: number = ObjectTag.Plain;
    if (cc.tracked || this.options.references) {
      const refs = (st.refs ??= new Map());
      const id = refs.get(value);
      if (id !== undefined) {
        w.u8(ObjectTag.Ref);
        w.varuint(id);
        return;
      }
      refs.set(value, refs.size);
      tag = ObjectTag.Tracked;
    }
    if (depth > this.options.maxDepth) this.tooDeepOnWrite(st, where);
    w.u8(tag);
    if (cc.gen === st.gen) w.varuint(cc.id + 1);
    else {
      cc.gen = st.gen;
      cc.id = st.nextClassId++;
      w.u8(0);
      w.str(cc.schema.name);
      w.varuint(cc.schema.fields.length);
    }
    cc.encode(st, value, depth);
  }

  /** @internal Reads an object after its tag: a reference, or a class and its fields. */
  readObject(st: DecodeState, tag: number, declared: Function | undefined, depth: number, where: string): object {
    if (tag === ObjectTag.Ref) return this.#reference(st, declared, where);
    if (tag !== ObjectTag.Plain && tag !== ObjectTag.Tracked) {
      throw new BadDataError(`${where}: byte ${tag} does not start an object; the payload is malformed`);
    }
    if (depth > this.options.maxDepth) throw tooDeep(where, this.options.maxDepth);
    const cc = this.#readClass(st, where);
    if (declared !== undefined && cc.ctor !== declared && !isSameOrSubclass(cc.ctor, declared)) {
      throw new BadDataError(`${where}: expected ${declared.name}, got ${cc.schema.name}, which does not extend it`);
    }
    const object = createInstance(cc.schema);
    if (tag === ObjectTag.Tracked) {
      if (!cc.tracked && !this.options.references) {
        throw new BadDataError(
          `${where}: the peer sent ${cc.schema.name} as a shared reference, but references are off here; set references: true on this endpoint or @NetClass({ references: true }) on ${cc.schema.name}`,
        );
      }
      st.objects.push(object);
    }
    cc.fill(st, object, depth);
    if (cc.validate) st.toValidate.push(object);
    return object;
  }

  /** @internal */
  tooDeepOnWrite(st: EncodeState, where: string): never {
    throw tooDeep(where, this.options.maxDepth, findCycle(this.options.registry, st.root, 'body', this.options.maxDepth));
  }

  /** @internal Checks a `t.json` value (plain data, within maxDepth) and returns its JSON text. */
  plainJson(value: unknown, where: string, depth: number): string {
    const check = (item: unknown, level: number, path: string): void => {
      if (typeof item !== 'object' || item === null) {
        if (typeof item === 'function' || typeof item === 'bigint' || typeof item === 'symbol' || item === undefined) {
          throw new BadDataError(`${path}: a t.json field holds plain JSON, got ${typeof item}`);
        }
        return;
      }
      if (level > this.options.maxDepth) throw tooDeep(path, this.options.maxDepth);
      if (Array.isArray(item)) item.forEach((child, i) => check(child, level + 1, `${path}[${i}]`));
      else if (isPlainObject(item)) for (const [key, child] of Object.entries(item)) check(child, level + 1, `${path}.${key}`);
      else throw new BadDataError(`${path}: a t.json field holds plain JSON (objects, arrays, strings, numbers, booleans, null), got ${describeJson(item)}`);
    };
    check(value, depth, where);
    return JSON.stringify(value);
  }

  #reference(st: DecodeState, declared: Function | undefined, where: string): object {
    const id = st.r.varuint();
    const object = st.objects[id];
    if (object === undefined) throw new BadDataError(`${where}: a reference to object ${id}, which was not sent before it`);
    if (declared !== undefined && !isSameOrSubclass(object.constructor, declared)) {
      throw new BadDataError(`${where}: expected ${declared.name}, got a reference to a ${object.constructor.name}, which does not extend it`);
    }
    return object;
  }

  #readClass(st: DecodeState, where: string): ClassCodec {
    const id = st.r.varuint();
    if (id !== 0) {
      const known = st.classes[id - 1];
      if (known === undefined) throw new BadDataError(`${where}: class number ${id} was not named before it; the payload is malformed`);
      return known;
    }
    const name = st.r.str(st.r.end);
    const fieldCount = st.r.varuint();
    let cc = this.#byName.get(name);
    if (cc === undefined) {
      const ctor = this.options.registry.classByName(name);
      if (ctor === undefined) {
        throw new BadDataError(
          `${where}: unknown class \`${name}\`; register it with @NetClass() on the receiving side, and import the module that declares it (a type-only import registers nothing)`,
        );
      }
      cc = this.#classCodecFor(ctor, where);
    }
    if (fieldCount !== cc.schema.fields.length) {
      throw new BadDataError(
        `${where}: the peer's ${name} has ${fieldCount} fields, this side's has ${cc.schema.fields.length}; both sides must declare ${name} the same`,
      );
    }
    st.classes.push(cc);
    return cc;
  }

  /** The class codec of a registered class, compiled on first use. */
  #classCodecFor(ctor: Function, where: string): ClassCodec {
    const known = this.#byCtor.get(ctor);
    if (known !== undefined) return known;
    const { registry } = this.options;
    if (registry.nameOf(ctor) === undefined) {
      const what = ctor === Object || ctor === undefined ? 'a plain object' : `an instance of ${ctor.name}`;
      throw new BadDataError(`${where}: cannot send ${what}; only instances of @NetClass classes are sent`);
    }
    const schema = registry.schemaOf(ctor as NetClassType);
    const cc: ClassCodec = {
      ctor: schema.ctor,
      schema,
      tracked: schema.references,
      validate: this.options.validate && hasValidation(ctor),
      gen: 0,
      id: 0,
      // Compiled on first call, so classes that refer to each other compile in any order.
      encode: (st, o, depth) => {
        Object.assign(cc, compileClass(this, schema));
        cc.encode(st, o, depth);
      },
      fill: (st, o, depth) => {
        Object.assign(cc, compileClass(this, schema));
        cc.fill(st, o, depth);
      },
    };
    this.#byCtor.set(ctor, cc);
    this.#byName.set(schema.name, cc);
    return cc;
  }
}

/**
 * The compiled encoders name a bad value by class and field (`Car.speed`), since they
 * carry no path. On that error path only, the JSON writer walks the same message again
 * and, failing on the same value, names its full path (`body.trailer.car_inside.speed`).
 */
function withFullPath(err: unknown, options: ResolvedCodecOptions, message: NetMessage): unknown {
  if (!(err instanceof BadDataError)) return err;
  try {
    new JsonWriter(options, false, message).write(message);
  } catch (detailed) {
    if (detailed instanceof BadDataError) return detailed;
  }
  return err;
}
