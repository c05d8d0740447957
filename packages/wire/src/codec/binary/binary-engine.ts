import { BadDataError, isSameOrSubclass, newMessageId, type FieldType, type NetMessage, type NetMessageOptions } from '@oon/core';
import { Message } from '../message-class';
import { checkExtends, ClassTable } from './binary-class-table';
import { constructorFailed } from './binary-compiler';
import {
  BINARY_FORMAT_VERSION,
  ObjectTag,
  PayloadFormat,
  type ClassCodec,
  type DecodeState,
  type EncodeState,
  type TypeCodec,
} from './binary-format';
import { skipValue, UNREAD, type ResolvingRuntime } from './binary-resolved';
import { buildTypeCodec } from './binary-types';
import { ByteReader } from './byte-reader';
import { ByteWriter } from './byte-writer';
import { tooDeep, type ResolvedCodecOptions } from '../codec-options';
import { findCycle } from '../cycle-finder';
import { describeJson } from '../json/json-values';
import { loadedJsonWire } from '../codec-choice';
import type { SchemaType } from '../../schema/schema-type';
import { validateRevived } from '../validation';
import { clipHead, type MessageHead } from '../../connection/message-rejection';

/**
 * The binary codec's machinery behind {@link BinaryCodec}: a message's walk, with
 * per-message state reused between messages, and the object-level read and write the
 * generated code calls back into (the {@link BinaryRuntime}); which codec stands for
 * which class is its {@link ClassTable}'s. Not exported: the public surface is
 * `BinaryCodec`'s `encode` and `decode`.
 */
export class BinaryEngine implements ResolvingRuntime {
  readonly options: ResolvedCodecOptions;
  readonly #classes: ClassTable;
  /** Made with the first class compiled (see ClassTable's maps). */
  #types: Map<FieldType, TypeCodec> | undefined;
  #gen = 0;
  #lastCodec: ClassCodec | undefined;
  /** The classes the last messages named, by their number in the message. */
  readonly #recent: ClassCodec[] = [];
  // The reused states and writer are made by the first message that needs them: a link's
  // engine that has sent or read nothing (an idle connection) holds none, where the
  // writer's 16 KiB slab was most of what an idle connection cost (docs/benchmarks.md).
  /** The decode state reused between messages; `undefined` while a decode has it (or before the first). */
  #spare: DecodeState | undefined;
  /** The encode state reused between messages; `undefined` while an encode has it (or before the first). */
  #spareEncode: EncodeState | undefined;
  /** The writer `encode` reuses: `undefined` before the first, `null` while an encode has it. */
  #spareWriter: ByteWriter | null | undefined;

  constructor(options: ResolvedCodecOptions) {
    this.options = options;
    this.#classes = new ClassTable(this);
    if (options.peerSchema !== undefined) this.#classes.agree(options.peerSchema);
  }

  /** Encodes a message: `[u8 format][id][root object]`. */
  encode(message: NetMessage): Uint8Array {
    // One writer is reused; an encode inside an encode (a getter that sends) gets its
    // own, so it cannot write over the message in progress.
    const w = this.#spareWriter === null ? new ByteWriter(1024) : (this.#spareWriter ?? new ByteWriter());
    this.#spareWriter = null;
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
    // The origin's format draws an id for a message without one: kept on the message, so an id someone reads is the id sent.
    this.#encode(message.object, message.ignore, this.#classes.numbered ? message.uuidIfSet : message.uuid, w, message, undefined);
  }

  /** {@link BinaryEngine.encodeInto} of `object` sent with `options` (a session's log), with no `NetMessage` made for it. */
  encodeObjectInto(object: object, options: NetMessageOptions | undefined, w: ByteWriter): void {
    this.#encode(object, options?.ignore, options?.uuid, w, undefined, options);
  }

  /** Writes `[u8 format][id][root object]`; on a throw names the path of what failed, for `message` (or a message of `object` and `options`). */
  #encode(
    object: object,
    ignore: readonly string[] | undefined,
    id: string | undefined,
    w: ByteWriter,
    message: NetMessage | undefined,
    options: NetMessageOptions | undefined,
  ): void {
    // One state is reused; an encode inside an encode gets its own.
    const st = this.#spareEncode ?? newEncodeState(w);
    this.#spareEncode = undefined;
    st.w = w;
    st.gen = ++this.#gen;
    st.nextClassId = this.#classes.ownCount;
    st.refs = undefined;
    st.dropped = 0;
    st.ignore = ignore === undefined || ignore.length === 0 ? undefined : new Set(ignore);
    st.root = object;
    try {
      if (!this.#classes.numbered) {
        w.u8(BINARY_FORMAT_VERSION);
        w.str(id ?? newMessageId());
      } else if (id === undefined) {
        // Format 2 carries an id only when the message has one: the receiver derives the rest.
        w.u8(PayloadFormat.V2);
      } else {
        w.u8(PayloadFormat.V2WithId);
        w.str(id);
      }
      if (typeof object !== 'object' || object === null) {
        throw new BadDataError(`body: cannot send ${describeJson(object)}; only instances of @NetClass classes are sent`);
      }
      this.writeObject(st, object, undefined, 0, 'body');
    } catch (err) {
      throw withFullPath(err, this.options, message ?? new Message(object, options));
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
    const shared = this.#classes.peerTable.length === 0 || start >= end || buf[start] !== PayloadFormat.V1;
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
        else if (format !== PayloadFormat.V1) className = this.#classes.peerNames[n - 1];
      }
    } catch {
      // What was read before the payload ran out or went wrong is all there is to say.
    }
    return clipHead(id, className);
  }

  /** A decode state whose first slots hold the peer's class numbers (as far as they were read). */
  #newDecodeState(): DecodeState {
    const { peerTable } = this.#classes;
    return newDecodeState(peerTable.length === 0 ? NO_CODECS : peerTable);
  }

  /** The codec of a field type, built once. */
  typeCodec(type: FieldType): TypeCodec {
    const types = (this.#types ??= new Map());
    let codec = types.get(type);
    if (codec === undefined) {
      // Registered before it is built, so a collection of a class that holds the same collection type finds it.
      const ref: TypeCodec = { write: (...a) => (codec as TypeCodec).write(...a), read: (...a) => (codec as TypeCodec).read(...a) };
      types.set(type, ref);
      codec = buildTypeCodec(this, type);
      types.set(type, codec);
    }
    return codec;
  }

  /** Writes an object: its tag, its class (named once per message), its fields. */
  writeObject(st: EncodeState, value: object, declared: Function | undefined, depth: number, where: string): void {
    const ctor = value.constructor;
    // The last class looked up is remembered: messages mostly carry one root class.
    let cc = this.#lastCodec;
    if (cc === undefined || cc.ctor !== ctor) {
      cc = this.#classes.codecFor(ctor, where);
      this.#lastCodec = cc;
    }
    if (declared !== undefined && ctor !== declared && cc.extendsChecked !== declared) checkExtends(cc, declared, where);
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

  /** See {@link BinaryRuntime.plainVariants}. */
  plainVariants(declared: Function): ClassCodec[] {
    return this.#classes.plainVariants(declared);
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
    if (declared !== undefined && cc.ctor !== declared && cc.extendsChecked !== declared) checkExtends(cc, declared, where);
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
    if (cc.ctor !== declared && cc.extendsChecked !== declared) checkExtends(cc, declared, where);
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

  tooDeepOnWrite(st: EncodeState, where: string): never {
    throw tooDeep(where, this.options.maxDepth, findCycle(this.options.registry, st.root, 'body', this.options.maxDepth));
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
    const cached = this.#classes.cached(r);
    const name = cached?.schema.name ?? r.str(Infinity);
    const fieldCount = r.varuint();
    const cc = cached ?? this.#classes.named(name, where);
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
    const cc = this.#classes.peerClass(n, where);
    if (cc === undefined) throw new BadDataError(`${where}: class number ${n} was not named before it; the payload is malformed`);
    st.classes[n - 1] = cc;
    return cc;
  }

  /** This side's codec of a registered class (see {@link ResolvingRuntime.classCodecOf}). */
  classCodecOf(ctor: Function): ClassCodec {
    return this.#classes.codecFor(ctor, '');
  }

  /** See {@link ResolvingRuntime.readClass}. */
  readClass(st: DecodeState, where: string): ClassCodec {
    return this.#readClass(st, where);
  }

  /** Steps over a value of a peer's type that this side does not read (see `skipValue`). */
  skipValue(st: DecodeState, type: SchemaType, tag: number, depth: number, where: string): void {
    skipValue(this, st, type, tag, depth, where);
  }
}

const EMPTY = new Uint8Array(0);
const NO_NAMES: readonly string[] = Object.freeze([]);
const NO_CODECS: ReadonlyArray<ClassCodec | undefined> = Object.freeze([]);

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

function newEncodeState(w: ByteWriter): EncodeState {
  return { w, gen: 0, nextClassId: 0, refs: undefined, ignore: undefined, root: EMPTY, dropped: 0 };
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
