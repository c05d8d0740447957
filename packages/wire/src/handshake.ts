import { BadDataError } from '@oon/core';
import { PROTOCOL_VERSION } from './constants';
import type { SessionHello } from './session';

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
  /** A resumable session: asked for by the client, granted by the server (docs/reconnect.md). */
  readonly session?: SessionHello;
}

/** Codecs this build speaks, most preferred first. */
export const SUPPORTED_CODECS: readonly string[] = ['json'];

/** The hello a client opens with. */
export function clientHello(token?: string, session?: SessionHello): Hello {
  return {
    protocol: 'oon',
    version: PROTOCOL_VERSION,
    codecs: SUPPORTED_CODECS,
    ...(token === undefined ? {} : { token }),
    ...(session === undefined ? {} : { session }),
  };
}

/** The hello a server answers with, once it has admitted the client. */
export function serverHello(codec: string, session?: SessionHello): Hello {
  return { protocol: 'oon', version: PROTOCOL_VERSION, codecs: SUPPORTED_CODECS, codec, ...(session === undefined ? {} : { session }) };
}

/** Reads a peer's hello, refusing anything that is not OON v1 with `BadData`. */
export function parseHello(payload: Buffer): Hello {
  let hello: unknown;
  try {
    hello = JSON.parse(payload.toString('utf8'));
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
    ...(h.session === undefined ? {} : { session: parseSessionHello(h.session) }),
  };
}

function parseSessionHello(value: unknown): SessionHello {
  const s = value as Partial<Record<keyof SessionHello, unknown>>;
  if (typeof value !== 'object' || value === null || !Number.isSafeInteger(s.received) || (s.received as number) < 0) {
    throw new BadDataError('peer hello has a session without a valid `received` count');
  }
  if (s.id !== undefined && (typeof s.id !== 'string' || s.id.length > 128)) throw new BadDataError('peer hello has a session id that is not a short string');
  if (s.resumed !== undefined && typeof s.resumed !== 'boolean') throw new BadDataError('peer hello has a session `resumed` that is not a boolean');
  return {
    received: s.received as number,
    ...(s.id === undefined ? {} : { id: s.id }),
    ...(s.resumed === undefined ? {} : { resumed: s.resumed }),
  };
}

/** The server's choice: the first codec in this build's order of preference that the client speaks. */
export function agreeCodec(theirs: readonly string[]): string {
  const codec = SUPPORTED_CODECS.find((c) => theirs.includes(c));
  if (codec === undefined) {
    throw new BadDataError(`no codec in common: this side speaks ${SUPPORTED_CODECS.join(', ')}, the peer ${theirs.join(', ')}`);
  }
  return codec;
}

/** The client's check of the server's choice. */
export function acceptedCodec(serverHello: Hello): string {
  const { codec } = serverHello;
  if (codec === undefined || !SUPPORTED_CODECS.includes(codec)) {
    throw new BadDataError(`server chose codec ${String(codec)}, which this side does not speak (${SUPPORTED_CODECS.join(', ')})`);
  }
  return codec;
}
