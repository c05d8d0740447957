import { BadDataError, isErrorCode, type ErrorCode } from '@oon/core';
import type { ClusterPayload, PeerSelection, PeerSnapshot } from '@oon/server';

/**
 * What nodes say to each other through Redis, one pub/sub message each:
 *
 * ```text
 * [u8 version = 1][u8 kind][u32 BE header length][header: JSON, UTF-8][payload: the rest]
 * ```
 *
 * The header is small JSON (who sent it, whom it aims at); the payload is an object as
 * OON's binary codec wrote it (broadcasts and server-side messages), so the app's objects
 * travel as they do to clients, and a node of another schema reads them by its own.
 */
export const ENVELOPE_VERSION = 1;

/** A broadcast for the peers `selection` aims at. */
export interface BroadcastEnvelope {
  readonly kind: 'broadcast';
  readonly node: string;
  readonly selection: PeerSelection;
  readonly payload: ClusterPayload;
  /** Its entry id in the cluster's log, when it was logged (a session may be resumed from it). */
  readonly log?: string;
}

/** A server-side message for every other node's server. */
export interface ServerEnvelope {
  readonly kind: 'server';
  readonly node: string;
  readonly payload: ClusterPayload;
}

/** A question to every other node: its peers `selection` aims at, or how many. */
export interface RequestEnvelope {
  readonly kind: 'request';
  readonly node: string;
  readonly request: string;
  readonly countOnly: boolean;
  readonly selection: PeerSelection;
}

/** One node's answer to a {@link RequestEnvelope}. */
export interface ReplyEnvelope {
  readonly kind: 'reply';
  readonly node: string;
  readonly request: string;
  readonly count: number;
  readonly peers: readonly PeerSnapshot[];
}

/** A node closing: it leaves the cluster now (no `'nodeDown'` for it). */
export interface LeaveEnvelope {
  readonly kind: 'leave';
  readonly node: string;
}

/** A node took over session `session` (its node died, or its client came to this one): a node that still has it lets it go. */
export interface MovedEnvelope {
  readonly kind: 'moved';
  readonly node: string;
  readonly session: string;
}

/** An object for one peer of the node it is published to (`RemotePeer.send()`), on that node's own channel. */
export interface DirectEnvelope {
  readonly kind: 'direct';
  readonly node: string;
  /** What the answer ({@link SentEnvelope}) names. */
  readonly request: string;
  /** The peer's id on the receiving node. */
  readonly peer: string;
  /** The peer's session, when the cluster keeps it: the receiving node sends to the peer of that session, whatever its id. */
  readonly session?: string;
  readonly payload: ClusterPayload;
}

/** The answer to a {@link DirectEnvelope}: sent, or the error the receiving node's `peer.send()` gave. */
export interface SentEnvelope {
  readonly kind: 'sent';
  readonly node: string;
  readonly request: string;
  /** Unset when sent. */
  readonly error?: { readonly code: ErrorCode; readonly message: string };
  /** True when the node has no such peer (gone, or its session moved): a send that follows a session looks for it again. */
  readonly missing?: boolean;
}

/** Any message between nodes. */
export type Envelope = BroadcastEnvelope | ServerEnvelope | RequestEnvelope | ReplyEnvelope | LeaveEnvelope | MovedEnvelope | DirectEnvelope | SentEnvelope;

const KINDS = ['broadcast', 'server', 'request', 'reply', 'leave', 'moved', 'direct', 'sent'] as const;
/**
 * The kind byte of a logged broadcast: `[u8 version][u8 255][u8 0][u8 0][u8 0][u8 n][log id: n bytes][the broadcast's envelope]`,
 * put together by the script that logs and publishes it in one step ({@link LOG_AND_PUBLISH}).
 * 255, past the indexes of `KINDS`, so that kinds can be added there.
 */
const LOGGED = 255;
/** Stream entry ids: `<ms>-<seq>`. */
const LOG_ID = /^\d{1,20}-\d{1,20}$/;

/**
 * Appends a broadcast's envelope (`ARGV[2]`) to the cluster's log (`KEYS[1]`, trimmed to
 * about `ARGV[1]` entries) and publishes it with its entry id in front on channel
 * `ARGV[3]` (`ARGV[4]`: PUBLISH or SPUBLISH), in one step: every node hears the
 * broadcasts in the log's order. Returns the id.
 */
export const LOG_AND_PUBLISH = `local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'm', ARGV[2])
redis.call(ARGV[4], ARGV[3], string.char(${ENVELOPE_VERSION}, ${LOGGED}, 0, 0, 0, #id) .. id .. ARGV[2])
return id`;
const HEAD_BYTES = 6;
const EMPTY = new Uint8Array(0);

/** Encodes a message between nodes (see {@link ENVELOPE_VERSION} for the layout). */
export function encodeEnvelope(envelope: Envelope): Buffer {
  const { kind, payload, header } = split(envelope);
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.allocUnsafe(HEAD_BYTES);
  head.writeUInt8(ENVELOPE_VERSION, 0);
  head.writeUInt8(KINDS.indexOf(kind), 1);
  head.writeUInt32BE(json.length, 2);
  return Buffer.concat([head, json, payload]);
}

function split(envelope: Envelope): { kind: Envelope['kind']; payload: Uint8Array; header: object } {
  switch (envelope.kind) {
    case 'broadcast': {
      const { payload, selection, node } = envelope;
      return { kind: envelope.kind, payload: payload.bytes, header: { node, selection, ignore: payload.ignore, schema: payload.schema } };
    }
    case 'server': {
      const { payload, node } = envelope;
      return { kind: envelope.kind, payload: payload.bytes, header: { node, ignore: payload.ignore, schema: payload.schema } };
    }
    case 'direct': {
      const { payload, node, request, peer, session } = envelope;
      return { kind: envelope.kind, payload: payload.bytes, header: { node, request, peer, session, ignore: payload.ignore, schema: payload.schema } };
    }
    case 'request':
    case 'reply':
    case 'leave':
    case 'moved':
    case 'sent': {
      const { kind, ...header } = envelope;
      return { kind, payload: EMPTY, header };
    }
  }
}

/**
 * Reads a message from Redis; throws `BadData` naming what is wrong, over `maxBytes`
 * before reading anything. Every field is checked: Redis is shared, and what is on a
 * channel may not come from a node.
 */
export function decodeEnvelope(message: Buffer, maxBytes: number): Envelope {
  if (message.length > maxBytes) throw new BadDataError(`a message of ${message.length} bytes is over maxMessageBytes (${maxBytes})`);
  if (message.length < HEAD_BYTES) throw new BadDataError(`a message of ${message.length} bytes is shorter than its ${HEAD_BYTES}-byte head`);
  const version = message.readUInt8(0);
  if (version !== ENVELOPE_VERSION) throw new BadDataError(`unknown message version ${version} (this node reads version ${ENVELOPE_VERSION})`);
  if (message.readUInt8(1) === LOGGED) return decodeLogged(message, maxBytes);
  const kind = KINDS[message.readUInt8(1)];
  if (kind === undefined) throw new BadDataError(`unknown message kind ${message.readUInt8(1)}`);
  const headerEnd = HEAD_BYTES + message.readUInt32BE(2);
  if (headerEnd > message.length) throw new BadDataError(`the header runs past the message's ${message.length} bytes`);
  let header: unknown;
  try {
    header = JSON.parse(message.toString('utf8', HEAD_BYTES, headerEnd));
  } catch (err) {
    throw new BadDataError(`the header is not JSON: ${(err as Error).message}`);
  }
  const h = new Fields(header, kind);
  const node = h.string('node');
  const bytes = message.subarray(headerEnd);
  switch (kind) {
    case 'broadcast':
      return { kind, node, selection: selectionOf(h.object('selection'), kind), payload: { ignore: h.strings('ignore'), schema: h.string('schema'), bytes } };
    case 'server':
      return { kind, node, payload: { ignore: h.strings('ignore'), schema: h.string('schema'), bytes } };
    case 'request':
      return { kind, node, request: h.string('request'), countOnly: h.boolean('countOnly'), selection: selectionOf(h.object('selection'), kind) };
    case 'reply':
      return { kind, node, request: h.string('request'), count: h.count('count'), peers: h.array('peers').map((peer) => snapshotOf(peer)) };
    case 'leave':
      return { kind, node };
    case 'moved':
      return { kind, node, session: h.string('session') };
    case 'direct': {
      const session = h.optionalString('session');
      const direct = { kind, node, request: h.string('request'), peer: h.string('peer'), payload: { ignore: h.strings('ignore'), schema: h.string('schema'), bytes } };
      return session === undefined ? direct : { ...direct, session };
    }
    case 'sent':
      return { kind, node, request: h.string('request'), ...errorOf(header), ...(h.optionalBoolean('missing') === true ? { missing: true } : {}) };
  }
}

function errorOf(header: unknown): { error?: { code: ErrorCode; message: string } } {
  const { error } = header as { error?: unknown };
  if (error === undefined) return {};
  const e = new Fields(error, "sent's error");
  const code = e.string('code');
  if (!isErrorCode(code)) throw new BadDataError(`field code of a sent message's error is not an OON error code: ${JSON.stringify(code).slice(0, 40)}`);
  return { error: { code, message: e.string('message') } };
}

/** A logged broadcast: its log id, then the broadcast's own envelope. */
function decodeLogged(message: Buffer, maxBytes: number): BroadcastEnvelope {
  const idEnd = HEAD_BYTES + message.readUInt32BE(2);
  if (idEnd > message.length) throw new BadDataError(`the log id runs past the message's ${message.length} bytes`);
  const log = message.toString('latin1', HEAD_BYTES, idEnd);
  if (!LOG_ID.test(log)) throw new BadDataError('a logged broadcast has a log id that is not a stream entry id');
  const inner = decodeEnvelope(message.subarray(idEnd), maxBytes);
  if (inner.kind !== 'broadcast' || inner.log !== undefined) throw new BadDataError(`a logged message holds a ${inner.kind} message, not a broadcast`);
  return { ...inner, log };
}

/** Compares two stream entry ids (`<ms>-<seq>`) by value: negative, zero or positive. */
export function compareLogIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

/** Whether `id` is a stream entry id. */
export function isLogId(id: unknown): id is string {
  return typeof id === 'string' && LOG_ID.test(id);
}

function selectionOf(value: unknown, kind: string): PeerSelection {
  const s = new Fields(value, `${kind}'s selection`);
  const selection = { rooms: s.strings('rooms'), exceptRooms: s.strings('exceptRooms'), exceptPeers: s.strings('exceptPeers') };
  const exceptSessions = s.optionalStrings('exceptSessions');
  return exceptSessions === undefined ? selection : { ...selection, exceptSessions };
}

function snapshotOf(value: unknown): PeerSnapshot {
  const p = new Fields(value, "reply's peer");
  const snapshot: PeerSnapshot = { id: p.string('id'), node: p.string('node'), rooms: p.strings('rooms'), connected: p.boolean('connected') };
  const { data, identity } = value as { data?: unknown; identity?: unknown };
  const session = p.optionalString('session');
  return { ...snapshot, ...(data === undefined ? {} : { data }), ...(identity === undefined ? {} : { identity }), ...(session === undefined ? {} : { session }) };
}

/** Reads typed fields of a parsed JSON object, throwing `BadData` naming the field. */
class Fields {
  readonly #value: Record<string, unknown>;
  readonly #what: string;

  constructor(value: unknown, what: string) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadDataError(`the ${what} header is not an object`);
    this.#value = value as Record<string, unknown>;
    this.#what = what;
  }

  #fail(name: string, expected: string): never {
    throw new BadDataError(`field ${name} of a ${this.#what} message is not ${expected}`);
  }

  string(name: string): string {
    const v = this.#value[name];
    return typeof v === 'string' ? v : this.#fail(name, 'a string');
  }

  optionalString(name: string): string | undefined {
    return this.#value[name] === undefined ? undefined : this.string(name);
  }

  optionalBoolean(name: string): boolean | undefined {
    return this.#value[name] === undefined ? undefined : this.boolean(name);
  }

  boolean(name: string): boolean {
    const v = this.#value[name];
    return typeof v === 'boolean' ? v : this.#fail(name, 'a boolean');
  }

  count(name: string): number {
    const v = this.#value[name];
    return Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : this.#fail(name, 'a count');
  }

  object(name: string): unknown {
    return this.#value[name];
  }

  array(name: string): unknown[] {
    const v = this.#value[name];
    return Array.isArray(v) ? v : this.#fail(name, 'an array');
  }

  optionalStrings(name: string): string[] | undefined {
    return this.#value[name] === undefined ? undefined : this.strings(name);
  }

  strings(name: string): string[] {
    const v = this.array(name);
    return v.every((one) => typeof one === 'string') ? (v as string[]) : this.#fail(name, 'an array of strings');
  }
}
