import { BadDataError, type Registry } from '@oon/core';
import { FRAME_LENGTH_BYTES, FrameKind, PROTOCOL_VERSION } from '../framing/constants';
import { encodeFrame } from '../framing/frame-encoder';
import { parseSchema, type RegistrySchema } from '../schema/registry-schema';
import type { SessionHello } from '../session/session';
import { SESSION_SECRET_BYTES } from '../session/session-proof';
import { utf8Text } from '../platform/bytes';
import type { ClassNumbers } from '../codec/codec-options';

/** A session secret in a hello: 32 bytes in base64, padding included. */
const SECRET_TEXT = /^[A-Za-z0-9+/]{43}=$/;

/**
 * A `hello`: the JSON payload of the Hello frame. The client sends its hello first; the
 * server answers with its own, naming the codec it chose, once it has admitted the
 * client (or with an Error frame saying why not).
 */
export interface Hello {
  readonly protocol: 'oon';
  readonly version: number;
  /** Codecs this side can speak, most preferred first. */
  readonly codecs: readonly string[];
  /** The server's choice among the client's codecs (server hello only). */
  readonly codec?: string;
  /** The client's credentials, checked by the server's `auth` (client hello only). */
  readonly token?: string;
  /**
   * The sender's registry: every class and enum with a hash. OON always sends it; a
   * hand-written peer may leave it out, and then neither side's classes are checked.
   */
  readonly schema?: RegistrySchema;
  /** A resumable session: asked for by the client, granted by the server (docs/reconnect.md). */
  readonly session?: SessionHello;
  /**
   * How many of the peer's requests the sender handles at once on this connection; the
   * peer queues requests past it. Absent: no bound announced (an older or hand-written peer).
   */
  readonly maxRequestsInFlight?: number;
  /**
   * `'strict'` when the sender fails the handshake on any schema difference; then both
   * sides do, each wording the differences from its side. Absent: `'compatible'`.
   */
  readonly schemaPolicy?: 'strict';
  /**
   * The sender's class numbers: wire names, number 1 first (registration order). Present
   * when the sender reads payloads of binary format 2 and writes them by these numbers to
   * a peer that also lists its own (docs/protocol.md, "Class numbers"). Absent: an older
   * or hand-written peer; payloads to it stay of format 1.
   */
  readonly classNumbers?: readonly string[];
}

/** Codecs this build speaks, most preferred first: the compiled binary codec, then the JSON one. */
export const SUPPORTED_CODECS: readonly string[] = ['binary', 'json'];

/** What a hello carries besides the schema; every field may be left out. */
export interface HelloOptions {
  /** Codecs to offer, most preferred first (an endpoint's `codec` option narrows them). @default SUPPORTED_CODECS */
  readonly codecs?: readonly string[];
  /** A resumable session asked for (client) or granted (server); none when left out or `undefined`. */
  readonly session?: SessionHello | undefined;
  /** This side's bound on the peer's requests in flight; none announced when left out or `undefined`. */
  readonly maxRequestsInFlight?: number | undefined;
  /** This side's schema policy; only `'strict'` is announced. */
  readonly schemaPolicy?: 'compatible' | 'strict' | undefined;
  /** This side's class numbers (`classNumbering`); none offered when left out or `undefined`. */
  readonly classNumbers?: readonly string[] | undefined;
}

/** What a client hello carries besides the schema. */
export interface ClientHelloOptions extends HelloOptions {
  /** The client's credentials for the server's `auth`; none when left out or `undefined`. */
  readonly token?: string | undefined;
}

/** The hello a client opens with, describing its registry (`describeRegistry`). */
export function clientHello(schema: RegistrySchema, options: ClientHelloOptions = {}): Hello {
  const { token, session, maxRequestsInFlight, codecs = SUPPORTED_CODECS } = options;
  return {
    protocol: 'oon',
    version: PROTOCOL_VERSION,
    codecs,
    ...(token === undefined ? {} : { token }),
    schema,
    ...(session === undefined ? {} : { session }),
    ...(maxRequestsInFlight === undefined ? {} : { maxRequestsInFlight }),
    ...(options.schemaPolicy === 'strict' ? { schemaPolicy: 'strict' as const } : {}),
    ...(options.classNumbers === undefined ? {} : { classNumbers: options.classNumbers }),
  };
}

/** The hello a server answers with, once it has admitted the client. */
export function serverHello(codec: string, schema: RegistrySchema, options: HelloOptions = {}): Hello {
  const { session, maxRequestsInFlight, codecs = SUPPORTED_CODECS } = options;
  return {
    protocol: 'oon',
    version: PROTOCOL_VERSION,
    codecs,
    codec,
    schema,
    ...(session === undefined ? {} : { session }),
    ...(maxRequestsInFlight === undefined ? {} : { maxRequestsInFlight }),
    ...(options.schemaPolicy === 'strict' ? { schemaPolicy: 'strict' as const } : {}),
    ...(options.classNumbers === undefined ? {} : { classNumbers: options.classNumbers }),
  };
}

/**
 * The Hello frame for a hello; `BadData` if it is over `maxFrameBytes`, which a large
 * registry can reach: the peer would drop it unread, so it is refused before sending.
 */
export function encodeHello(hello: Hello, maxFrameBytes: number): Uint8Array {
  const frame = encodeFrame(FrameKind.Hello, JSON.stringify(hello));
  // What the peer's decoder measures against its limit: the frame without its length prefix.
  const size = frame.length - FRAME_LENGTH_BYTES;
  if (size > maxFrameBytes) {
    const classes = hello.schema?.classes.length ?? 0;
    const enums = hello.schema?.enums.length ?? 0;
    throw new BadDataError(
      `this side's hello is ${size} bytes with the schema of its ${classes} classes and ${enums} enums, over maxFrameBytes (${maxFrameBytes}): raise maxFrameBytes on both sides, or register fewer classes in the registry this connection uses`,
    );
  }
  return frame;
}

/** Reads a peer's hello, refusing anything that is not OON v1 with `BadData`. */
export function parseHello(payload: Uint8Array): Hello {
  let hello: unknown;
  try {
    hello = JSON.parse(utf8Text(payload));
  } catch (cause) {
    throw new BadDataError('peer hello is not valid JSON; is the peer speaking OON?', { cause });
  }
  const h = hello as Partial<Record<keyof Hello, unknown>>;
  if (typeof hello !== 'object' || hello === null || h.protocol !== 'oon') {
    throw new BadDataError('peer hello does not name protocol "oon"; is the peer speaking OON?');
  }
  if (h.version !== PROTOCOL_VERSION) {
    throw new BadDataError(`peer speaks OON protocol version ${String(h.version)}, this side speaks ${PROTOCOL_VERSION}`);
  }
  if (!Array.isArray(h.codecs) || !h.codecs.every((c) => typeof c === 'string')) {
    throw new BadDataError('peer hello has no list of codecs');
  }
  return {
    protocol: 'oon',
    version: PROTOCOL_VERSION,
    codecs: h.codecs as string[],
    ...(typeof h.codec === 'string' ? { codec: h.codec } : {}),
    ...(typeof h.token === 'string' ? { token: h.token } : {}),
    ...(h.schema === undefined ? {} : { schema: parseSchema(h.schema) }),
    ...(h.session === undefined ? {} : { session: parseSessionHello(h.session) }),
    ...(h.maxRequestsInFlight === undefined ? {} : { maxRequestsInFlight: parseRequestBound(h.maxRequestsInFlight) }),
    ...(h.schemaPolicy === 'strict' ? { schemaPolicy: 'strict' as const } : {}),
    ...(h.classNumbers === undefined ? {} : { classNumbers: parseClassNumbers(h.classNumbers) }),
  };
}

function parseClassNumbers(value: unknown): readonly string[] {
  if (!Array.isArray(value) || !value.every((name) => typeof name === 'string')) {
    throw new BadDataError('peer hello has classNumbers that are not a list of wire names');
  }
  return value as string[];
}

/**
 * The class numbers of a link whose codec is `codec` (docs/protocol.md, "Class numbers"):
 * used only by the binary codec, and only when the peer's hello lists its own numbers
 * and its schema (whose classes fix each number's field count); otherwise `undefined`,
 * and payloads are of format 1.
 */
export function linkClassNumbers(codec: string, ours: readonly string[], peer: Hello): ClassNumbers | undefined {
  if (codec !== 'binary' || peer.classNumbers === undefined || peer.schema === undefined) return undefined;
  return { own: ours, peer: peer.classNumbers };
}

function parseRequestBound(value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new BadDataError(`peer hello has a maxRequestsInFlight of ${JSON.stringify(value)?.slice(0, 40)}, not a positive whole number`);
  }
  return value as number;
}

function parseSessionHello(value: unknown): SessionHello {
  const s = value as Partial<Record<keyof SessionHello, unknown>>;
  if (typeof value !== 'object' || value === null || !Number.isSafeInteger(s.received) || (s.received as number) < 0) {
    throw new BadDataError('peer hello has a session without a valid `received` count');
  }
  if (s.id !== undefined && (typeof s.id !== 'string' || s.id.length > 128)) throw new BadDataError('peer hello has a session id that is not a short string');
  if (s.resumed !== undefined && typeof s.resumed !== 'boolean') throw new BadDataError('peer hello has a session `resumed` that is not a boolean');
  if (s.secret !== undefined && (typeof s.secret !== 'string' || !SECRET_TEXT.test(s.secret))) {
    throw new BadDataError(`peer hello has a session secret that is not ${SESSION_SECRET_BYTES} bytes in base64`);
  }
  if (s.window !== undefined && (!Number.isSafeInteger(s.window) || (s.window as number) < 1)) {
    throw new BadDataError(`peer hello has a session window of ${JSON.stringify(s.window)?.slice(0, 40)}, not a positive whole number of bytes`);
  }
  if (s.next !== undefined && typeof s.next !== 'boolean') throw new BadDataError('peer hello has a session `next` that is not a boolean');
  return {
    received: s.received as number,
    ...(s.id === undefined ? {} : { id: s.id }),
    ...(s.resumed === undefined ? {} : { resumed: s.resumed }),
    ...(s.secret === undefined ? {} : { secret: s.secret }),
    ...(s.window === undefined ? {} : { window: s.window as number }),
    ...(s.next === undefined ? {} : { next: s.next }),
  };
}

/** The server's choice: the first codec in its order of preference (`ours`) that the client speaks. */
export function agreeCodec(theirs: readonly string[], ours: readonly string[] = SUPPORTED_CODECS): string {
  const codec = ours.find((c) => theirs.includes(c));
  if (codec === undefined) {
    throw new BadDataError(`no codec in common: this side speaks ${ours.join(', ')}, the peer ${theirs.join(', ')}; check both sides' codec option`);
  }
  return codec;
}

/** The client's check of the server's choice against the codecs it offered (`ours`). */
export function acceptedCodec(serverHello: Hello, ours: readonly string[] = SUPPORTED_CODECS): string {
  const { codec } = serverHello;
  if (codec === undefined || !ours.includes(codec)) {
    throw new BadDataError(`server chose codec ${String(codec)}, which this side does not speak (${ours.join(', ')})`);
  }
  return codec;
}

/**
 * Refuses, before anything is written, an object whose class the peer's hello did not
 * list: the peer would drop the connection on it as an unknown class. `undefined` when
 * the peer knows the class, or named no classes at all (a hand-written peer). Only the
 * top-level object is checked; a nested unknown class is still refused by the peer.
 */
export function refuseUnknownToPeer(
  peerClasses: ReadonlySet<string> | undefined,
  registry: Registry,
  object: object,
  describePeer: () => string,
): BadDataError | undefined {
  if (peerClasses === undefined) return undefined;
  const name = registry.nameOf(object.constructor);
  if (name === undefined || peerClasses.has(name)) return undefined;
  return new BadDataError(
    `peer does not know class \`${name}\`: ${describePeer()} registers no class of that name, so nothing was sent. Register it on both sides to send it`,
  );
}
