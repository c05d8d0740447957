import type { BadDataError, NetMessage } from '@oon/core';
import type { FrameCodec } from './codec';
import type { ResolvedCodecOptions } from './codec-options';
import type { JsonCodecOptions } from './json/json-codec';
import { loadJsonWire } from './json-wire-loader';
import type { FrameSource } from '../framing/frame-queue';

/**
 * What the JSON codec brings to a connection, reached only through here so that the
 * binary codec and the connection do not import it: the codec, the origin's unframed
 * wire, and the full path of a bad value on the binary codec's error path. Node has it
 * always; a browser build (the package's `browser` map swaps `json-wire-loader`) only
 * once the page calls `useJsonCodec()`, so a page speaking binary does not ship it.
 */
export interface JsonWire {
  /** A JSON codec (`originOnly` for the origin's wire). */
  codec(options: JsonCodecOptions): FrameCodec;
  /** The origin's framing: one JSON document after another, each at most `maxDocumentBytes`. */
  splitter(maxDocumentBytes: number): FrameSource;
  /** The binary codec's failure to write `message`, named by its full path when the JSON writer finds the same value bad. */
  fullPath(error: BadDataError, options: ResolvedCodecOptions, message: NetMessage): BadDataError;
}

/** `null` once the loader said there is none (a browser build before `useJsonCodec()`). */
let jsonWire: JsonWire | null | undefined;

/** The JSON codec's parts, if this build has them. */
export function loadedJsonWire(): JsonWire | undefined {
  if (jsonWire === undefined) jsonWire = loadJsonWire() ?? null;
  return jsonWire ?? undefined;
}

/** Makes the JSON codec's parts available (`useJsonCodec()`). */
export function provideJsonWire(wire: JsonWire): void {
  jsonWire = wire;
}

/** The codecs this build speaks, most preferred first: binary, and JSON where loaded. */
export function availableCodecs(): readonly string[] {
  return loadedJsonWire() === undefined ? BINARY_ONLY : BINARY_AND_JSON;
}

/** The JSON codec's parts, or a `TypeError` saying how to load them (`what` names the option that needs them). */
export function requireJsonWire(what: string): JsonWire {
  const wire = loadedJsonWire();
  if (wire === undefined) {
    throw new TypeError(
      `${what} needs the JSON codec, which a browser build leaves out unless asked for: call useJsonCodec() (from @oon/client) once, before creating the client`,
    );
  }
  return wire;
}

const BINARY_ONLY: readonly string[] = Object.freeze(['binary']);
const BINARY_AND_JSON: readonly string[] = Object.freeze(['binary', 'json']);
