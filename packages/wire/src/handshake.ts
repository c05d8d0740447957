import { BadDataError } from '@oon/core';
import { PROTOCOL_VERSION } from './constants';

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
}

/** Codecs this build speaks, most preferred first: the compiled binary codec, then the JSON one. */
export const SUPPORTED_CODECS: readonly string[] = ['binary', 'json'];

/** The hello a client opens with, offering `codecs` (an endpoint's `codec` option narrows them). */
export function clientHello(token?: string, codecs: readonly string[] = SUPPORTED_CODECS): Hello {
  const hello: Hello = { protocol: 'oon', version: PROTOCOL_VERSION, codecs };
  return token === undefined ? hello : { ...hello, token };
}

/** The hello a server answers with, once it has admitted the client. */
export function serverHello(codec: string, codecs: readonly string[] = SUPPORTED_CODECS): Hello {
  return { protocol: 'oon', version: PROTOCOL_VERSION, codecs, codec };
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
