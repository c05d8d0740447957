import { BadDataError, defaultRegistry, type Registry } from '@oon/core';
import type { CodecLimits } from './codec';
import { DEFAULT_MAX_BIGINT_DIGITS, DEFAULT_MAX_COLLECTION_LENGTH, DEFAULT_MAX_DEPTH, DEFAULT_MAX_STRING_BYTES } from '../framing/constants';
import type { RegistrySchema } from '../schema/registry-schema';
import { utf8Length } from '../platform/bytes';
import { requireJsonWire } from './codec-choice';

/** Options both codecs take. */
export interface CodecOptions extends CodecLimits {
  /** Where wire names are looked up. @default defaultRegistry */
  registry?: Registry;
  /**
   * Track every object by identity, not only those of classes registered with
   * `@NetClass({ references: true })`: an object reached twice in a message is sent once
   * and arrives as one object, and cycles are allowed. Reading shared references needs
   * it on the receiving side too (or the class's own opt-in). @default false
   */
  references?: boolean;
  /**
   * Validate each revived instance of a class that carries class-validator decorators;
   * a failure is `BadData` and the message is not delivered. @default true
   */
  validate?: boolean;
  /**
   * The schema of the peer's registry (its hello's, or a snapshot: `describeRegistry`)
   * when it differs from this side's: payloads the peer wrote are read by the rules of
   * docs/evolution.md (fields skipped, defaulted, renamed, widened), and an object the
   * peer could not read is refused with `BadData` before anything is written. A
   * connection sets it itself. @default undefined (both sides have the same schema)
   */
  peerSchema?: RegistrySchema | undefined;
  /**
   * The class numbers both sides' hellos gave (docs/protocol.md, "Class numbers"), when
   * the peer reads them: `own`, this side's, to write classes by; `peer`, the peer's, to
   * read them by. Payloads are then of format 2, readable only by that peer. A connection
   * sets it itself. @default undefined (format 1: classes named by definition)
   */
  classNumbers?:
    | {
        /** This side's hello's class numbers: wire names, number 1 first. */
        readonly own: readonly string[];
        /** The peer's hello's class numbers. */
        readonly peer: readonly string[];
      }
    | undefined;
}

/** Both hellos' class numbers on one link (docs/protocol.md, "Class numbers"): ours to write by, the peer's to read by. */
export type ClassNumbers = NonNullable<CodecOptions['classNumbers']>;

/** {@link CodecOptions} with every default filled in. */
export interface ResolvedCodecOptions {
  readonly registry: Registry;
  readonly maxDepth: number;
  readonly maxCollectionLength: number;
  readonly maxStringBytes: number;
  readonly maxBigIntDigits: number;
  readonly references: boolean;
  readonly validate: boolean;
  readonly peerSchema: RegistrySchema | undefined;
  readonly classNumbers: ClassNumbers | undefined;
}

/** The codecs an endpoint may be restricted to with its `codec` option. */
const CODEC_NAMES: readonly string[] = ['binary', 'json'];

/**
 * Checks an endpoint's codec options when it is created, so a mistake is a `TypeError`
 * or `RangeError` from the constructor rather than a failure at the first connection.
 */
export function checkEndpointCodecOptions(options: CodecOptions & { readonly codec?: string; readonly protocol?: string }): void {
  resolveCodecOptions(options);
  if (options.codec !== undefined && !CODEC_NAMES.includes(options.codec)) {
    throw new TypeError(`codec must be 'binary' or 'json', got ${String(options.codec)}`);
  }
  // A browser build without useJsonCodec() says so here, when the endpoint is created.
  if (options.protocol === 'oon-0.0.5') requireJsonWire("protocol 'oon-0.0.5'");
  else if (options.codec === 'json') requireJsonWire("codec 'json'");
}

/** Fills in defaults and refuses limits that are not positive integers (`RangeError`). */
export function resolveCodecOptions(options: CodecOptions): ResolvedCodecOptions {
  return Object.freeze({
    registry: options.registry ?? defaultRegistry,
    maxDepth: limit('maxDepth', options.maxDepth, DEFAULT_MAX_DEPTH),
    maxCollectionLength: limit('maxCollectionLength', options.maxCollectionLength, DEFAULT_MAX_COLLECTION_LENGTH),
    maxStringBytes: limit('maxStringBytes', options.maxStringBytes, DEFAULT_MAX_STRING_BYTES),
    maxBigIntDigits: limit('maxBigIntDigits', options.maxBigIntDigits, DEFAULT_MAX_BIGINT_DIGITS),
    references: options.references ?? false,
    validate: options.validate ?? true,
    peerSchema: options.peerSchema,
    classNumbers: options.classNumbers,
  });
}

function limit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  return value;
}

/** The error for nesting past `maxDepth`; `cycle` is set when a reference cycle explains it. */
export function tooDeep(path: string, maxDepth: number, cycle?: string): BadDataError {
  if (cycle !== undefined) {
    return new BadDataError(
      `${path}: nested deeper than ${maxDepth} levels (maxDepth) because of a reference cycle: ${cycle}. Send cycles with @NetClass({ references: true }) on the class or references: true on the endpoint`,
    );
  }
  return new BadDataError(`${path}: nested deeper than ${maxDepth} levels (maxDepth); is there a reference cycle? Raise maxDepth on both sides for deeper data`);
}

/** The error for a collection over `maxCollectionLength`. */
export function tooLong(path: string, what: string, length: number, max: number): BadDataError {
  return new BadDataError(`${path}: ${what} of ${length} elements is over maxCollectionLength (${max})`);
}

/** The error for a string (or bytes) over `maxStringBytes`. */
export function tooManyBytes(path: string, what: string, bytes: number, max: number): BadDataError {
  return new BadDataError(`${path}: ${what} of ${bytes} bytes is over maxStringBytes (${max})`);
}

/** The error for a bigint over `maxBigIntDigits` in the JSON codec. */
export function tooManyDigits(path: string, digits: number, max: number): BadDataError {
  return new BadDataError(
    `${path}: a bigint of ${digits} decimal digits is over maxBigIntDigits (${max}) of the JSON codec; raise maxBigIntDigits on both sides, or use the binary codec, which sends bigints in hex`,
  );
}

/** Checks a string against `maxStringBytes` without measuring its UTF-8 length unless it could be over. */
export function checkStringBytes(path: string, value: string, max: number): void {
  if (value.length * 3 <= max) return;
  const bytes = value.length > max ? value.length : utf8Length(value);
  if (bytes > max) throw tooManyBytes(path, 'a string', bytes, max);
}
