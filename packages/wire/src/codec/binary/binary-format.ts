import { BadDataError, describeType, type ClassSchema, type FieldType, type NetClassType } from '@oon/core';
import type { ByteReader } from './byte-reader';
import type { ByteWriter } from './byte-writer';
import { describeJson } from '../json/json-values';

/**
 * The binary codec's value tags (docs/protocol.md, "The binary codec"). Every value
 * starts with one byte: the three below mean the same for every type; from 3 up the
 * meaning depends on the declared type.
 */
export const Tag = {
  Null: 0,
  /** `undefined` in a `t.optional` position. */
  Undefined: 1,
  /** A field left out by `ignore`: the receiver keeps the field's initial value. */
  Absent: 2,
  /** A type's first form: int, string, false, object, collection… */
  A: 3,
  /** A type's second form: float64, true, tracked object… */
  B: 4,
  /** A type's third form: a string enum member, a back-reference to an object. */
  C: 5,
} as const;

/** Object tags: an object, an object others may refer back to, a reference to one. */
export const ObjectTag = { Plain: Tag.A, Tracked: Tag.B, Ref: Tag.C } as const;

/** The first byte of a binary payload: the layout's version. */
export const BINARY_FORMAT_VERSION = 1;

/**
 * The first byte of a payload of format 2 (docs/protocol.md, "Class numbers"), written
 * only to a peer whose hello lists `classNumbers`: classes may be named by their number in
 * the writer's hello, and the message id is there only when it has one.
 */
export const PayloadFormat = {
  /** Format 1: `string id, object`, classes named by definition. */
  V1: BINARY_FORMAT_VERSION,
  /** Format 2 without an id: `object`. */
  V2: 2,
  /** Format 2 with an id: `string id, object`. */
  V2WithId: 3,
} as const;


/** What one encoding carries from object to object. */
export interface EncodeState {
  /** Where this message goes: the codec's own slab, or a frame writer's batch. */
  w: ByteWriter;
  /** This message's number: a class codec whose `gen` equals it was already named in it. */
  gen: number;
  /** The number the next class defined in this message gets, less one (after the hello's numbers). */
  nextClassId: number;
  refs: Map<object, number> | undefined;
  ignore: ReadonlySet<string> | undefined;
  root: object;
  /**
   * Above 0 while writing a field the peer's schema skips (docs/evolution.md): an object
   * of a class the peer cannot read may go there, since the peer never reads it.
   */
  dropped: number;
}

/** What one decoding carries from object to object. */
export interface DecodeState {
  readonly r: ByteReader;
  /**
   * The classes this message has named, by number less one; slots from `classCount` on
   * are stale. With the peer's class numbers, the first `base` slots are theirs (filled
   * as each is first read: `undefined` until then) and the message's own follow.
   */
  readonly classes: Array<ClassCodec | undefined>;
  classCount: number;
  /** How many numbers the peer's hello gave (0 without): `classCount` at the start of each message. */
  readonly base: number;
  /** Tracked objects, by reference id; slots from `objectCount` on are stale. */
  readonly objects: object[];
  objectCount: number;
  readonly toValidate: object[];
  ignore: ReadonlySet<string> | undefined;
}

/** A class's compiled encoder and decoder, with its per-message naming state. */
export interface ClassCodec {
  readonly ctor: NetClassType;
  readonly schema: ClassSchema;
  /** The wire name as UTF-8. */
  readonly nameBytes: Uint8Array;
  /** What names the class in a message the first time: `varuint 0, string name, varuint field count`. */
  readonly definition: Uint8Array;
  /** How many fields a payload carries for the class: the writer's count, which may differ from this side's (a peer's older class). */
  readonly fieldCount: number;
  readonly tracked: boolean;
  readonly validate: boolean;
  /** The message this class was last named in, and its number there less one. */
  gen: number;
  id: number;
  /** Its number in this side's hello when the peer reads them (docs/protocol.md, "Class numbers"); 0 for none. */
  readonly number: number;
  /** The last declared class this class was found to extend: the check is then skipped. */
  extendsChecked: Function | undefined;
  /** `new Ctor()`, compiled so each class has its own (monomorphic) construct site. */
  create(): Record<string, unknown>;
  /** Writes the fields (not the tag or class) of `o`. */
  encode(st: EncodeState, o: object, depth: number): void;
  /** Reads the fields into `o`, built by `new Ctor()`. */
  fill(st: DecodeState, o: Record<string, unknown>, depth: number): void;
  /** Steps over the fields of an object no one reads (in a field this side's schema lacks). */
  skip(st: DecodeState, depth: number): void;
  /** False for a peer's class this side cannot read (`create` throws why): a tracked one is then not built, even where skipped. */
  readonly readable: boolean;
}

/** Writes and reads one value of a field type; `read` gets the tag already read. */
export interface TypeCodec {
  write(st: EncodeState, value: unknown, depth: number, where: string): void;
  read(st: DecodeState, tag: number, depth: number, where: string): unknown;
}

/** The error for a value that is not of its declared type, on write. */
export function wrongType(where: string, type: FieldType, value: unknown): BadDataError {
  return new BadDataError(`${where}: expected ${describeType(type)}, got ${describeJson(value)}`);
}

/** The error for a tag that starts no value of the declared type, on read. */
export function badTag(where: string, type: FieldType, tag: number): BadDataError {
  return new BadDataError(
    `${where}: byte ${tag} does not start a value of type ${describeType(type)}; the payload is malformed, or the peer declares ${where} differently`,
  );
}

/** The error for a Map key that is not of the declared key type, on write. */
export function badMapKey(where: string, key: unknown, keyKind: 'string' | 'number' | 'int' = 'string'): BadDataError {
  const what = typeof key === 'string' ? JSON.stringify(key) : `${typeof key} ${String(key)}`;
  return new BadDataError(`${where}: a Map key must be ${keyKind === 'string' ? 'a string' : `a ${keyKind}`}, got ${what}`);
}
