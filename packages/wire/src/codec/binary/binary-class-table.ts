import { BadDataError, isSameOrSubclass, type NetClassType } from '@oon/core';
import { compileClass, constructorFailed } from './binary-compiler';
import type { ClassCodec } from './binary-format';
import { peerCodecs, type ResolvingRuntime } from './binary-resolved';
import type { ByteReader } from './byte-reader';
import { ByteWriter } from './byte-writer';
import type { ClassNumbers, ResolvedCodecOptions } from '../codec-options';
import { describeRegistry } from '../../schema/registry-schema';
import { agreeSchemas, cannotSend } from '../../schema/schema-agreement';
import type { ClassResolution } from '../../schema/schema-resolution';
import { hasValidation } from '../validation';
import { utf8Bytes } from '../../platform/bytes';

/**
 * Which class codec stands for which class, for one {@link BinaryEngine}: this side's
 * classes by constructor (compiled on first use), the codecs read for each wire name
 * (this side's own, or a decoder of the peer's differing class), the hellos' class
 * numbers both ways, and what the peer's schema refuses or skips. The engine walks
 * messages; this answers "which codec" for it.
 */
export class ClassTable {
  readonly #rt: ResolvingRuntime;
  // The maps are made with the first class a link sends or reads: an empty Map holds a
  // table of its own (~190 bytes), and most of a server's links are idle.
  #byCtor: Map<Function, ClassCodec> | undefined;
  #byName: Map<string, ClassCodec> | undefined;
  /** Class codecs by a key of their name's bytes (see `nameKey`), to find a class without decoding its name. */
  #byNameKey: Map<number, ClassCodec[]> | undefined;
  /** With a peer schema: this side's classes the peer cannot read, by wire name. */
  #refused: ReadonlyMap<string, ClassResolution> | undefined;
  /** With a peer schema: per class of this side, the fields the peer skips. */
  #droppedByPeer: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  /** With a peer schema: the peer's class names read by a decoder of their own, not by this side's codec. */
  #peerNamed: ReadonlySet<string> | undefined;
  /** With class numbers: this side's, by wire name (docs/protocol.md, "Class numbers"); payloads are of format 2. */
  readonly #ownNumbers: ReadonlyMap<string, number> | undefined;
  /** How many numbers this side's hello gave: classes a message defines are numbered after them. */
  readonly ownCount: number;
  /** The peer's class numbers: wire names, number 1 first. */
  readonly peerNames: readonly string[];
  /** The class codec of each of the peer's numbers, once read (`undefined` until then). */
  readonly peerTable: Array<ClassCodec | undefined>;

  /** `rt`: the engine the compiled codecs call back into. */
  constructor(rt: ResolvingRuntime) {
    this.#rt = rt;
    const numbers = rt.options.classNumbers;
    this.#ownNumbers = numbers === undefined ? undefined : numberMap(numbers);
    this.ownCount = numbers?.own.length ?? 0;
    this.peerNames = numbers?.peer ?? NO_NAMES;
    this.peerTable = new Array<ClassCodec | undefined>(this.peerNames.length).fill(undefined);
  }

  /** True when payloads are of format 2: classes the peer knows by number are named so. */
  get numbered(): boolean {
    return this.#ownNumbers !== undefined;
  }

  /** Prepares to write for, and read from, a peer whose schema differs (docs/evolution.md). */
  agree(peerSchema: NonNullable<ResolvedCodecOptions['peerSchema']>): void {
    const agreement = agreeSchemas(describeRegistry(this.#rt.options.registry), peerSchema);
    this.#refused = agreement.refused;
    this.#droppedByPeer = agreement.dropped;
    this.#peerNamed = new Set([...agreement.receive.classes].filter(([, r]) => !r.identical || r.problems.length > 0).map(([name]) => name));
    for (const [name, cc] of peerCodecs(this.#rt, agreement)) this.#remember(name, cc);
  }

  /** The class codec of a registered class, compiled on first use; `BadData` naming `where` for any other. */
  codecFor(ctor: Function, where: string): ClassCodec {
    return this.#byCtor?.get(ctor) ?? this.#create(ctor, where);
  }

  /** The codec read for a wire name: `BadData` for a class this side does not register. */
  named(name: string, where: string): ClassCodec {
    const cc = this.#byName?.get(name);
    if (cc !== undefined) return cc;
    const ctor = this.#rt.options.registry.classByName(name);
    if (ctor === undefined) throw unknownClass(where, name);
    return this.codecFor(ctor, where);
  }

  /**
   * The class of the peer's number `n` (within its hello's numbers), the first time a
   * message names it, remembered for later messages; undefined past the hello's numbers.
   */
  peerClass(n: number, where: string): ClassCodec | undefined {
    const name = this.peerNames[n - 1];
    if (name === undefined) return undefined;
    const cc = this.named(name, where);
    this.peerTable[n - 1] = cc;
    return cc;
  }

  /**
   * The class whose name is next in the payload, found by comparing bytes with the names
   * already seen (no string is decoded); the cursor then stands after the name. Undefined,
   * with the cursor unmoved, for a name not seen yet.
   */
  cached(r: ByteReader): ClassCodec | undefined {
    const before = r.pos;
    const length = r.varuint();
    const start = r.pos;
    if (length === 0 || length > r.end - start) {
      r.pos = before;
      return undefined;
    }
    const buf = r.buf;
    const bucket = this.#byNameKey?.get(nameKey(buf, start, length));
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

  /** See {@link BinaryRuntime.plainVariants}. */
  plainVariants(declared: Function): ClassCodec[] {
    const { registry, references } = this.#rt.options;
    if (references) return [];
    const variants: ClassCodec[] = [];
    for (const name of registry.classNames()) {
      const ctor = registry.classByName(name);
      // A class the peer cannot read takes the generic path, which refuses it.
      if (ctor === undefined || !isSameOrSubclass(ctor, declared) || this.#refused?.has(name) === true) continue;
      let cc: ClassCodec;
      try {
        cc = this.codecFor(ctor, '');
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

  #create(ctor: Function, where: string): ClassCodec {
    const { registry, validate } = this.#rt.options;
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
    const rt = this.#rt;
    const own: ClassCodec = {
      ctor: schema.ctor,
      schema,
      nameBytes,
      definition: Uint8Array.from(definition.finish()),
      fieldCount: schema.fields.length,
      tracked: schema.references,
      validate: validate && hasValidation(ctor),
      readable: true,
      gen: 0,
      id: 0,
      number: this.#ownNumbers?.get(schema.name) ?? 0,
      extendsChecked: undefined,
      // Compiled on first call, so classes that refer to each other compile in any order.
      create: () => {
        Object.assign(own, compileClass(rt, schema, dropped));
        return own.create();
      },
      encode: (st, o, depth) => {
        Object.assign(own, compileClass(rt, schema, dropped));
        own.encode(st, o, depth);
      },
      fill: (st, o, depth) => {
        Object.assign(own, compileClass(rt, schema, dropped));
        own.fill(st, o, depth);
      },
      // An object in a field no one reads is still read whole: its class is this side's own.
      skip: (st, depth) => own.fill(st, own.create(), depth),
    };
    const refused = this.#refused?.get(schema.name);
    const cc = refused === undefined ? own : refusing(own, refused);
    (this.#byCtor ??= new Map()).set(ctor, cc);
    // The peer's differing class of this name is read by its own decoder, not by this one.
    if (this.#peerNamed?.has(schema.name) !== true) this.#remember(schema.name, cc);
    return cc;
  }

  /** Makes a class codec the one read for a wire name in a payload. */
  #remember(name: string, cc: ClassCodec): void {
    (this.#byName ??= new Map()).set(name, cc);
    const byKey = (this.#byNameKey ??= new Map());
    const key = nameKey(cc.nameBytes, 0, cc.nameBytes.length);
    const bucket = byKey.get(key);
    if (bucket === undefined) byKey.set(key, [cc]);
    else bucket.push(cc);
  }
}

/**
 * Throws unless the class extends `declared`. A passed check is remembered on the class
 * codec: a field of a base class mostly carries the same subclasses, and the prototype
 * walk showed in the profile of every message.
 */
export function checkExtends(cc: ClassCodec, declared: Function, where: string): void {
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

/** Classes a compiled class field tries in line before the generic path: bounds the generated code. */
const MAX_VARIANTS = 8;
const NO_NAMES: readonly string[] = Object.freeze([]);

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

/** A cheap key of a name's UTF-8 bytes: length, first and last byte. */
function nameKey(buf: Uint8Array, start: number, length: number): number {
  return length * 65536 + (buf[start] as number) * 256 + (buf[start + length - 1] as number);
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
