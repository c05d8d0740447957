import {
  BadDataError,
  isSameOrSubclass,
  NetMessage,
  type FieldType,
  type NetClassType,
} from '@oon/core';
import { compileClass, constructorFailed } from './binary-compiler';
import {
  BINARY_FORMAT_VERSION,
  ObjectTag,
  PayloadFormat,
  type ClassCodec,
  type DecodeState,
  type EncodeState,
  type TypeCodec,
} from './binary-format';
import { peerCodecs, skipValue, UNREAD, type ResolvingRuntime } from './binary-resolved';
import { buildTypeCodec } from './binary-types';
import { ByteReader } from './byte-reader';
import { ByteWriter } from './byte-writer';
import { tooDeep, type ClassNumbers, type ResolvedCodecOptions } from '../codec-options';
import { findCycle } from '../cycle-finder';
import { describeJson, isPlainObject } from '../json/json-values';
import { loadedJsonWire } from '../codec-choice';
import { describeRegistry } from '../../schema/registry-schema';
import { agreeSchemas, cannotSend } from '../../schema/schema-agreement';
import type { ClassResolution } from '../../schema/schema-resolution';
import type { SchemaType } from '../../schema/schema-type';
import { hasValidation, validateRevived } from '../validation';
import { utf8Bytes } from '../../platform/bytes';
import { clipHead, type MessageHead } from '../../connection/message-rejection';

/**
 * The binary codec's machinery behind {@link BinaryCodec}: class codecs compiled on first
 * use, per-message state reused between messages, and the object-level read and write
 * the generated code calls back into (the {@link BinaryRuntime}). Not exported: the
 * public surface is `BinaryCodec`'s `encode` and `decode`.
 */
export class BinaryEngine implements ResolvingRuntime {
  readonly options: ResolvedCodecOptions;
  readonly #byCtor = new Map<Function, ClassCodec>();
  readonly #byName = new Map<string, ClassCodec>();
  /** Class codecs by a key of their name's bytes (see `nameKey`), to find a class without decoding its name. */
  readonly #byNameKey = new Map<number, ClassCodec[]>();
  readonly #types = new Map<FieldType, TypeCodec>();
  #gen = 0;
  #lastCodec: ClassCodec | undefined;
  /** The classes the last messages named, by their number in the message. */
  readonly #recent: ClassCodec[] = [];
  #spare: DecodeState | undefined;
  #spareEncode: EncodeState | undefined = newEncodeState(new ByteWriter());
  #spareWriter: ByteWriter | undefined = new ByteWriter();
  /** With a peer schema: this side's classes the peer cannot read, by wire name. */
  #refused: ReadonlyMap<string, ClassResolution> | undefined;
  /** With a peer schema: per class of this side, the fields the peer skips. */
  #droppedByPeer: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  /** With a peer schema: the peer's class names read by a decoder of their own, not by this side's codec. */
  #peerNamed: ReadonlySet<string> | undefined;
  /** With class numbers: this side's, by wire name (docs/protocol.md, "Class numbers"); payloads are of format 2. */
  readonly #ownNumbers: ReadonlyMap<string, number> | undefined;
  /** How many numbers this side's hello gave: classes a message defines are numbered after them. */
  readonly #ownCount: number;
  /** The peer's class numbers: wire names, number 1 first. */
  readonly #peerNames: readonly string[];
  /** The class codec of each of the peer's numbers, once read (`undefined` until then). */
  readonly #peerTable: Array<ClassCodec | undefined>;

  constructor(options: ResolvedCodecOptions) {
    this.options = options;
    const numbers = options.classNumbers;
    this.#ownNumbers = numbers === undefined ? undefined : numberMap(numbers);
    this.#ownCount = numbers?.own.length ?? 0;
    this.#peerNames = numbers?.peer ?? NO_NAMES;
    this.#peerTable = new Array<ClassCodec | undefined>(this.#peerNames.length).fill(undefined);
    this.#spare = this.#newDecodeState();
    if (options.peerSchema !== undefined) this.#agree(options.peerSchema);
  }

  /** Prepares to write for, and read from, a peer whose schema differs (docs/evolution.md). */
  #agree(peerSchema: NonNullable<ResolvedCodecOptions['peerSchema']>): void {
    const agreement = agreeSchemas(describeRegistry(this.options.registry), peerSchema);
    this.#refused = agreement.refused;
    this.#droppedByPeer = agreement.dropped;
    this.#peerNamed = new Set([...agreement.receive.classes].filter(([, r]) => !r.identical || r.problems.length > 0).map(([name]) => name));
    for (const [name, cc] of peerCodecs(this, agreement)) this.#remember(name, cc);
  }

  /** Encodes a message: `[u8 format][id][root object]`. */
  encode(message: NetMessage): Uint8Array {
    // One writer is reused; an encode inside an encode (a getter that sends) gets its
    // own, so it cannot write over the message in progress.
    const w = this.#spareWriter ?? new ByteWriter(1024);
    this.#spareWriter = undefined;
    try {
      w.reset();
      this.encodeInto(message, w);
      return w.finish();
    } finally {
      this.#spareWriter = w;
    }
  }

  /**
   * Encodes a message at the end of `w` (a frame writer's batch: no copy of its own);
   * on a throw, what it wrote is left for the caller to drop.
   */
  encodeInto(message: NetMessage, w: ByteWriter): void {
    // One state is reused; an encode inside an encode gets its own.
    const st = this.#spareEncode ?? newEncodeState(w);
    this.#spareEncode = undefined;
    st.w = w;
    st.gen = ++this.#gen;
    st.nextClassId = this.#ownCount;
    st.refs = undefined;
    st.dropped = 0;
    st.ignore = message.ignore.length === 0 ? undefined : new Set(message.ignore);
    st.root = message.object;
    try {
      if (this.#ownNumbers === undefined) {
        w.u8(BINARY_FORMAT_VERSION);
        w.str(message.uuid);
      } else {
        // Format 2 carries an id only when the message has one: the receiver derives the rest.
        const id = message.uuidIfSet;
        if (id === undefined) w.u8(PayloadFormat.V2);
        else {
          w.u8(PayloadFormat.V2WithId);
          w.str(id);
        }
      }
      if (typeof message.object !== 'object' || message.object === null) {
        throw new BadDataError(`body: cannot send ${describeJson(message.object)}; only instances of @NetClass classes are sent`);
      }
      this.writeObject(st, message.object, undefined, 0, 'body');
    } catch (err) {
      throw withFullPath(err, this.options, message);
    } finally {
      st.refs = undefined;
      st.root = EMPTY;
      this.#spareEncode = st;
    }
  }

  /** Decodes a payload into a message with revived, validated instances; throws `BadData`. */
  decode(payload: Uint8Array | string, ignore: readonly string[] = NO_NAMES): NetMessage {
    if (typeof payload === 'string') throw new BadDataError('a binary payload cannot be text; is the peer using the json codec?');
    return this.decodeSpan(payload, 0, payload.length, ignore);
  }

  /** Decodes the payload `buf[start, end)`; never reads outside it. */
  decodeSpan(buf: Uint8Array, start: number, end: number, ignore: readonly string[] = NO_NAMES): NetMessage {
    // One state is reused from message to message; a decode inside a decode (a constructor
    // that decodes) gets its own, and so does a payload of format 1 on a link with the
    // peer's class numbers (it has none: its classes are numbered from 1).
    const shared = this.#peerTable.length === 0 || start >= end || buf[start] !== PayloadFormat.V1;
    const st = (shared ? this.#spare : undefined) ?? (shared ? this.#newDecodeState() : newDecodeState(NO_CODECS));
    if (shared) this.#spare = undefined;
    st.r.reset(buf, start, end);
    st.ignore = ignore.length === 0 ? undefined : new Set(ignore);
    try {
      const r = st.r;
      const format = r.u8();
      if (format !== PayloadFormat.V1 && format !== PayloadFormat.V2 && format !== PayloadFormat.V2WithId) {
        throw new BadDataError(`binary payload is of format ${format}, this side reads formats ${PayloadFormat.V1} to ${PayloadFormat.V2WithId}`);
      }
      // The message id and class names are bounded by the payload alone (a length past its end is
      // reported as truncated), not by maxStringBytes, which is meant for field values.
      const uuid = format === PayloadFormat.V2 ? undefined : r.str(Infinity);
      const object = this.readObject(st, r.u8(), undefined, 0, 'body');
      if (r.pos !== r.end) throw new BadDataError(`binary payload has ${r.end - r.pos} bytes after the message; it is malformed`);
      if (st.toValidate.length > 0) validateRevived(st.toValidate);
      return uuid === undefined ? new Message(object, { ignore }) : new Message(object, { uuid, ignore });
    } finally {
      // Counts, not lengths: truncating arrays costs more than overwriting their slots.
      st.classCount = st.base;
      st.objectCount = 0;
      if (st.toValidate.length !== 0) st.toValidate.length = 0;
      st.r.reset(EMPTY, 0, 0);
      if (shared) this.#spare = st;
    }
  }

  /** The id and root class name of a payload that failed to decode, as far as they can be read. Never throws. */
  peekHead(buf: Uint8Array, start: number, end: number): MessageHead {
    const r = new ByteReader(buf, start, end);
    let id: string | undefined;
    let className: string | undefined;
    try {
      const format = r.u8();
      if (format === PayloadFormat.V1 || format === PayloadFormat.V2WithId) id = r.str(Infinity);
      else if (format !== PayloadFormat.V2) return {};
      const tag = r.u8();
      if (tag === ObjectTag.Plain || tag === ObjectTag.Tracked) {
        // The root object names its class first: a new name (0), or a number of the peer's hello.
        const n = r.varuint();
        if (n === 0) className = r.str(Infinity);
        else if (format !== PayloadFormat.V1) className = this.#peerNames[n - 1];
      }
    } catch {
      // What was read before the payload ran out or went wrong is all there is to say.
    }
    return clipHead(id, className);
  }

  /** A decode state whose first slots hold the peer's class numbers (as far as they were read). */
  #newDecodeState(): DecodeState {
    return newDecodeState(this.#peerTable.length === 0 ? NO_CODECS : this.#peerTable);
  }

  /** The codec of a field type, built once. */
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

  /** Writes an object: its tag, its class (named once per message), its fields. */
  writeObject(st: EncodeState, value: object, declared: Function | undefined, depth: number, where: string): void {
    const ctor = value.constructor;
    // The last class looked up is remembered: messages mostly carry one root class.
    let cc = this.#lastCodec;
    if (cc === undefined || cc.ctor !== ctor) {
      cc = this.#byCtor.get(ctor) ?? this.#classCodecFor(ctor, where);
      this.#lastCodec = cc;
    }
    if (declared !== undefined && ctor !== declared && cc.extendsChecked !== declared) this.#checkExtends(cc, declared, where);
    let tracked = false;
    if (cc.tracked || this.options.references) {
      const refs = (st.refs ??= new Map());
      const id = refs.get(value);
      if (id !== undefined) {
        st.w.u8(ObjectTag.Ref);
        st.w.varuint(id);
        return;
      }
      refs.set(value, refs.size);
      tracked = true;
    }
    if (depth > this.options.maxDepth) this.tooDeepOnWrite(st, where);
    st.w.u8(tracked ? ObjectTag.Tracked : ObjectTag.Plain);
    this.#writeClass(st, cc);
    cc.encode(st, value, depth);
  }

  plainVariants(declared: Function): ClassCodec[] {
    if (this.options.references) return [];
    const { registry } = this.options;
    const variants: ClassCodec[] = [];
    for (const name of registry.classNames()) {
      const ctor = registry.classByName(name);
      // A class the peer cannot read takes the generic path, which refuses it.
      if (ctor === undefined || !isSameOrSubclass(ctor, declared) || this.#refused?.has(name) === true) continue;
      let cc: ClassCodec;
      try {
        cc = this.#classCodecFor(ctor, '');
      } catch {
        // A class whose schema does not resolve fails where it is sent, with its own message.
        continue;
      }
      if (cc.tracked) continue;
      // The declared class first: a field most often holds an instance of its own type.
      if (ctor === declared) variants.unshift(cc);
      else variants.push(cc);
    }
    return variants.slice(0, MAX_VARIANTS);
  }

  /** Names the class the first time it appears in a message, and by number after. */
  #writeClass(st: EncodeState, cc: ClassCodec): void {
    if (cc.gen === st.gen) st.w.varuint(cc.id + 1);
    else this.nameClass(st, cc);
  }

  nameClass(st: EncodeState, cc: ClassCodec): void {
    cc.gen = st.gen;
    // A class the peer knows by its number in our hello is named by it; any other by its definition.
    if (cc.number !== 0) {
      cc.id = cc.number - 1;
      st.w.varuint(cc.number);
      return;
    }
    cc.id = st.nextClassId++;
    st.w.raw(cc.definition);
  }

  /** Reads an object after its tag: a reference, or a class and its fields. */
  readObject(st: DecodeState, tag: number, declared: Function | undefined, depth: number, where: string): object {
    if (tag === ObjectTag.Ref) return this.#reference(st, declared, where);
    if (tag !== ObjectTag.Plain && tag !== ObjectTag.Tracked) {
      throw new BadDataError(`${where}: byte ${tag} does not start an object; the payload is malformed`);
    }
    if (depth > this.options.maxDepth) throw tooDeep(where, this.options.maxDepth);
    const cc = this.#readClass(st, where);
    if (declared !== undefined && cc.ctor !== declared && cc.extendsChecked !== declared) this.#checkExtends(cc, declared, where);
    let object: Record<string, unknown>;
    try {
      object = cc.create();
    } catch (cause) {
      throw constructorFailed(cc.schema, cause, where);
    }
    if (tag === ObjectTag.Tracked) {
      if (!cc.tracked && !this.options.references) {
        throw new BadDataError(
          `${where}: the peer sent ${cc.schema.name} as a shared reference, but references are off here; set references: true on this endpoint or @NetClass({ references: true }) on ${cc.schema.name}`,
        );
      }
      st.objects[st.objectCount++] = object;
    }
    cc.fill(st, object, depth);
    if (cc.validate) st.toValidate.push(object);
    return object;
  }

  /** A plain object of a class the generated code already read (see {@link BinaryRuntime.readObjectOf}). */
  readObjectOf(st: DecodeState, cc: ClassCodec, declared: Function, depth: number, where: string): object {
    if (depth > this.options.maxDepth) throw tooDeep(where, this.options.maxDepth);
    if (cc.ctor !== declared && cc.extendsChecked !== declared) this.#checkExtends(cc, declared, where);
    let object: Record<string, unknown>;
    try {
      object = cc.create();
    } catch (cause) {
      throw constructorFailed(cc.schema, cause, where);
    }
    cc.fill(st, object, depth);
    if (cc.validate) st.toValidate.push(object);
    return object;
  }

  /** The class named at this position in the last message, if its definition is next (see {@link BinaryRuntime.recentClass}). */
  recentClass(st: DecodeState): ClassCodec | undefined {
    const recent = this.#recent[st.classCount];
    if (recent === undefined || !startsWith(st.r, recent.definition)) return undefined;
    st.classes[st.classCount++] = recent;
    return recent;
  }

  /**
   * Throws unless the class extends `declared`. A passed check is remembered on the class
   * codec: a field of a base class mostly carries the same subclasses, and the prototype
   * walk showed in the profile of every message.
   */
  #checkExtends(cc: ClassCodec, declared: Function, where: string): void {
    // A peer's class this side cannot read says why itself, rather than as a class mismatch.
    if (!cc.readable) {
      try {
        cc.create();
      } catch (cause) {
        throw constructorFailed(cc.schema, cause, where);
      }
    }
    if (!isSameOrSubclass(cc.ctor, declared)) {
      throw new BadDataError(`${where}: expected ${declared.name}, got ${cc.schema.name}, which does not extend it`);
    }
    cc.extendsChecked = declared;
  }

  tooDeepOnWrite(st: EncodeState, where: string): never {
    throw tooDeep(where, this.options.maxDepth, findCycle(this.options.registry, st.root, 'body', this.options.maxDepth));
  }

  /** Checks a `t.json` value (plain data, within maxDepth) and returns its JSON text. */
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
    const object = id < st.objectCount ? st.objects[id] : undefined;
    if (object === undefined) throw new BadDataError(`${where}: a reference to object ${id}, which was not sent before it`);
    if (object === UNREAD) throw new BadDataError(`${where}: a reference to object ${id}, of a class of the peer's this side cannot read`);
    if (declared !== undefined && !isSameOrSubclass(object.constructor, declared)) {
      throw new BadDataError(`${where}: expected ${declared.name}, got a reference to a ${object.constructor.name}, which does not extend it`);
    }
    return object;
  }

  #readClass(st: DecodeState, where: string): ClassCodec {
    const r = st.r;
    const pos = r.pos;
    if (pos < r.end) {
      const first = r.buf[pos] as number;
      // Most objects name a class already named in the message (or in the peer's hello), by a one-byte number.
      if (first > 0 && first < 0x80 && first <= st.classCount) {
        r.pos = pos + 1;
        return st.classes[first - 1] ?? this.#peerClass(st, first, where);
      }
      // Messages of one stream mostly name the same classes in the same order: try the
      // class named at this position last time, comparing its definition's bytes.
      const recent = first === 0 ? this.recentClass(st) : undefined;
      if (recent !== undefined) return recent;
    }
    const id = r.varuint();
    if (id !== 0) {
      if (id > st.classCount) throw new BadDataError(`${where}: class number ${id} was not named before it; the payload is malformed`);
      return st.classes[id - 1] ?? this.#peerClass(st, id, where);
    }
    const cached = this.#cachedClass(r);
    const name = cached?.schema.name ?? r.str(Infinity);
    const fieldCount = r.varuint();
    let cc = cached ?? this.#byName.get(name);
    if (cc === undefined) {
      const ctor = this.options.registry.classByName(name);
      if (ctor === undefined) throw unknownClass(where, name);
      cc = this.#classCodecFor(ctor, where);
    }
    if (fieldCount !== cc.fieldCount) {
      throw new BadDataError(
        `${where}: the peer's ${name} has ${fieldCount} fields, this side's has ${cc.fieldCount}; both sides must declare ${name} the same, or connect with their schemas (docs/evolution.md)`,
      );
    }
    this.#recent[st.classCount] = cc;
    st.classes[st.classCount++] = cc;
    return cc;
  }

  /**
   * The class of the peer's number `n` (within its hello's numbers), the first time a
   * message names it: found as a name in a definition would be, with the same errors. Its
   * field count is not in the payload: the hellos' schemas agree on it (docs/evolution.md).
   */
  #peerClass(st: DecodeState, n: number, where: string): ClassCodec {
    const name = this.#peerNames[n - 1];
    if (name === undefined) throw new BadDataError(`${where}: class number ${n} was not named before it; the payload is malformed`);
    let cc = this.#byName.get(name);
    if (cc === undefined) {
      const ctor = this.options.registry.classByName(name);
      if (ctor === undefined) throw unknownClass(where, name);
      cc = this.#classCodecFor(ctor, where);
    }
    this.#peerTable[n - 1] = cc;
    st.classes[n - 1] = cc;
    return cc;
  }

  /**
   * The class whose name is next in the payload, found by comparing bytes with the names
   * already seen (no string is decoded); the cursor then stands after the name. Undefined,
   * with the cursor unmoved, for a name not seen yet.
   */
  #cachedClass(r: ByteReader): ClassCodec | undefined {
    const before = r.pos;
    const length = r.varuint();
    const start = r.pos;
    if (length === 0 || length > r.end - start) {
      r.pos = before;
      return undefined;
    }
    const buf = r.buf;
    const bucket = this.#byNameKey.get(nameKey(buf, start, length));
    if (bucket !== undefined) {
      for (const cc of bucket) {
        const bytes = cc.nameBytes;
        if (bytes.length !== length) continue;
        let same = true;
        for (let i = 0; i < length && same; i++) same = bytes[i] === buf[start + i];
        if (same) {
          r.pos = start + length;
          return cc;
        }
      }
    }
    r.pos = before;
    return undefined;
  }

  /** This side's codec of a registered class (see {@link ResolvingRuntime.classCodecOf}). */
  classCodecOf(ctor: Function): ClassCodec {
    return this.#classCodecFor(ctor, '');
  }

  /** See {@link ResolvingRuntime.readClass}. */
  readClass(st: DecodeState, where: string): ClassCodec {
    return this.#readClass(st, where);
  }

  /** Steps over a value of a peer's type that this side does not read (see `skipValue`). */
  skipValue(st: DecodeState, type: SchemaType, tag: number, depth: number, where: string): void {
    skipValue(this, st, type, tag, depth, where);
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
    const nameBytes = utf8Bytes(schema.name);
    const definition = new ByteWriter(nameBytes.length + 16);
    definition.u8(0);
    definition.str(schema.name);
    definition.varuint(schema.fields.length);
    const dropped = this.#droppedByPeer?.get(schema.name);
    const own: ClassCodec = {
      ctor: schema.ctor,
      schema,
      nameBytes,
      definition: Uint8Array.from(definition.finish()),
      fieldCount: schema.fields.length,
      tracked: schema.references,
      validate: this.options.validate && hasValidation(ctor),
      readable: true,
      gen: 0,
      id: 0,
      number: this.#ownNumbers?.get(schema.name) ?? 0,
      extendsChecked: undefined,
      // Compiled on first call, so classes that refer to each other compile in any order.
      create: () => {
        Object.assign(own, compileClass(this, schema, dropped));
        return own.create();
      },
      encode: (st, o, depth) => {
        Object.assign(own, compileClass(this, schema, dropped));
        own.encode(st, o, depth);
      },
      fill: (st, o, depth) => {
        Object.assign(own, compileClass(this, schema, dropped));
        own.fill(st, o, depth);
      },
      // An object in a field no one reads is still read whole: its class is this side's own.
      skip: (st, depth) => own.fill(st, own.create(), depth),
    };
    const refused = this.#refused?.get(schema.name);
    const cc = refused === undefined ? own : refusing(own, refused);
    this.#byCtor.set(ctor, cc);
    // The peer's differing class of this name is read by its own decoder, not by this one.
    if (this.#peerNamed?.has(schema.name) !== true) this.#remember(schema.name, cc);
    return cc;
  }

  /** Makes a class codec the one read for a wire name in a payload. */
  #remember(name: string, cc: ClassCodec): void {
    this.#byName.set(name, cc);
    const key = nameKey(cc.nameBytes, 0, cc.nameBytes.length);
    const bucket = this.#byNameKey.get(key);
    if (bucket === undefined) this.#byNameKey.set(key, [cc]);
    else bucket.push(cc);
  }
}

const EMPTY = new Uint8Array(0);
/**
 * `NetMessage`, read once: in the CommonJS build every use of an import from another
 * package goes through a getter of that package's index, and this one, once per message
 * decoded, took 2% of a one-way receiver's profile (the accessor was not inlined).
 */
const Message = NetMessage;
/** Classes a compiled class field tries in line before the generic path: bounds the generated code. */
const MAX_VARIANTS = 8;
const NO_NAMES: readonly string[] = Object.freeze([]);
const NO_CODECS: ReadonlyArray<ClassCodec | undefined> = Object.freeze([]);

/** This side's class numbers by wire name, made once per list (a hello's list serves every link it was sent on). */
const numberMaps = new WeakMap<readonly string[], ReadonlyMap<string, number>>();

function numberMap(numbers: ClassNumbers): ReadonlyMap<string, number> {
  let map = numberMaps.get(numbers.own);
  if (map === undefined) {
    map = new Map(numbers.own.map((name, i) => [name, i + 1]));
    numberMaps.set(numbers.own, map);
  }
  return map;
}

/** The error for a class this side does not register, named by a definition or a number alike. */
function unknownClass(where: string, name: string): BadDataError {
  return new BadDataError(
    `${where}: unknown class \`${name}\`; register it with @NetClass() on the receiving side, and import the module that declares it (a type-only import registers nothing)`,
  );
}

/** True when the payload continues with `definition` (its leading 0 included); then steps over it. */
function startsWith(r: ByteReader, definition: Uint8Array): boolean {
  const n = definition.length;
  const start = r.pos;
  if (start + n > r.end) return false;
  const buf = r.buf;
  // The last byte (the field count) and the name's last byte differ most between classes.
  if (buf[start + n - 1] !== definition[n - 1] || buf[start + n - 2] !== definition[n - 2]) return false;
  for (let i = 1; i < n - 2; i++) if (buf[start + i] !== definition[i]) return false;
  r.pos = start + n;
  return true;
}

/** A cheap key of a name's UTF-8 bytes: length, first and last byte. */
function nameKey(buf: Uint8Array, start: number, length: number): number {
  return length * 65536 + (buf[start] as number) * 256 + (buf[start + length - 1] as number);
}

function newEncodeState(w: ByteWriter): EncodeState {
  return { w, gen: 0, nextClassId: 0, refs: undefined, ignore: undefined, root: EMPTY, dropped: 0 };
}

/**
 * A codec of this side's class that the peer cannot read: writing one fails the message,
 * unless it sits in a field the peer skips (`st.dropped`), where it is never read.
 */
function refusing(inner: ClassCodec, resolution: ClassResolution): ClassCodec {
  const codec: ClassCodec = {
    ...inner,
    create: () => inner.create(),
    fill: (st, o, depth) => inner.fill(st, o, depth),
    skip: (st, depth) => inner.skip(st, depth),
    encode: (st, o, depth) => {
      if (st.dropped === 0) throw cannotSend(resolution, resolution.writer.name);
      inner.encode(st, o, depth);
    },
  };
  return codec;
}

/** A decode state; `peer`: the peer's class numbers resolved so far, copied into its first slots. */
function newDecodeState(peer: ReadonlyArray<ClassCodec | undefined>): DecodeState {
  return { r: new ByteReader(EMPTY), classes: peer.slice(), classCount: peer.length, base: peer.length, objects: [], objectCount: 0, toValidate: [], ignore: undefined };
}

/**
 * The compiled encoders name a bad value by class and field (`Car.speed`), since they
 * carry no path. On that error path only, the JSON codec's writer, where this build has
 * it, names the value's full path (`body.trailer.car_inside.speed`; `codec-choice.ts`).
 */
function withFullPath(err: unknown, options: ResolvedCodecOptions, message: NetMessage): unknown {
  if (!(err instanceof BadDataError)) return err;
  return loadedJsonWire()?.fullPath(err, options, message) ?? err;
}
