import { BadDataError } from '@oon/core';
import { PROTOCOL_VERSION } from './constants';

/** The `hello` each side sends first (JSON payload of a Hello frame). */
export interface Hello {
  readonly protocol: 'oon';
  readonly version: number;
  /** Codecs this side can speak, most preferred first. */
  readonly codecs: readonly string[];
}

/** Codecs this build speaks, most preferred first. */
export const SUPPORTED_CODECS: readonly string[] = ['json'];

/** The hello this side sends. */
export function ourHello(): Hello {
  return { protocol: 'oon', version: PROTOCOL_VERSION, codecs: SUPPORTED_CODECS };
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
  return { protocol: 'oon', version: PROTOCOL_VERSION, codecs: h.codecs as string[] };
}

/**
 * Picks the codec both sides speak. Both sides run this on the same two lists in the
 * same global order of preference, so they agree without another round trip.
 */
export function agreeCodec(ours: readonly string[], theirs: readonly string[]): string {
  const codec = SUPPORTED_CODECS.find((c) => ours.includes(c) && theirs.includes(c));
  if (codec === undefined) {
    throw new BadDataError(`no codec in common: this side speaks ${ours.join(', ')}, the peer ${theirs.join(', ')}`);
  }
  return codec;
}
