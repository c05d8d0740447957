import { defaultRegistry, type NetMessage, type OonError, type Registry } from '@oon/core';
import { checkEndpointCodecOptions, type CodecOptions } from '../codec/codec-options';
import {
  DEFAULT_CLOSE_GRACE,
  DEFAULT_HANDSHAKE_TIMEOUT,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_MAX_PENDING_BYTES,
  DEFAULT_MAX_REQUESTS_IN_FLIGHT,
  DEFAULT_PARTIAL_FRAME_TIMEOUT,
  DEFAULT_PING_INTERVAL,
  DEFAULT_PONG_TIMEOUT,
} from '../framing/constants';
import type { Hello } from '../handshake/handshake';
import { availableCodecs } from '../codec/codec-choice';
import type { SchemaPolicy } from '../handshake/handshake-driver';
import type { Logger } from '../logger';
import type { MessageRejection } from './message-rejection';
import type { SessionBinding, SessionHello } from '../session/session';
import type { WatchdogLimits } from './watchdog';

/**
 * Which wire a connection speaks: `'oon'` (framed, with a handshake: docs/protocol.md)
 * or `'oon-0.0.5'`, the origin's unframed JSON, to talk to Python oon 0.0.5 peers.
 */
export type WireProtocol = 'oon' | 'oon-0.0.5';

/** Options of every connection, taken by `OonServer` (for each peer) and `OonClient`; the codec options apply to every message. */
export interface ConnectionOptions extends CodecOptions {
  /**
   * The only codec this side offers (client) or accepts (server). Unset, both are spoken
   * and `'binary'` is preferred; `'json'` is for reading the wire while debugging.
   * @default undefined (binary, else json)
   */
  codec?: 'binary' | 'json';
  /** The wire to speak; both sides must use the same. @default 'oon' */
  protocol?: WireProtocol;
  /**
   * Where the endpoint logs what it does on its own: drops, evictions, refusals at
   * `warn`, links lost and resumed at `info`, opens and closes at `debug` (docs/errors.md).
   * Nothing is printed without one. @default undefined (silent)
   */
  logger?: Logger;
  /** Where wire names are looked up. @default defaultRegistry */
  registry?: Registry;
  /** Largest frame sent or accepted (kind + payload), in bytes. @default 1 MiB */
  maxFrameBytes?: number;
  /** Deepest nesting of objects and arrays. @default 64 */
  maxDepth?: number;
  /** Milliseconds to wait for the peer's hello before failing with `Timeout`. @default 5000 */
  handshakeTimeout?: number;
  /**
   * Milliseconds `close()` lets what is in flight finish (frames already queued are
   * flushed, the peer's close is awaited) before destroying the socket. A connection
   * dropped for a fault waits at most `FAULT_CLOSE_GRACE` (1 s) instead. @default 10000
   */
  closeGrace?: number;
  /**
   * Milliseconds a peer may take to finish a frame it has started; past it, it is
   * dropped with `Timeout` (slowloris guard). 0 disables. @default 10000
   */
  partialFrameTimeout?: number;
  /**
   * Bytes held for the peer: written and not yet taken by it, and a session's messages
   * not yet acknowledged (in flight or waiting for room in its window). A frame that
   * would pass it evicts the peer as a slow consumer (`BadConn`, reason
   * `'slow consumer'`; its session ends) instead of growing memory. @default 8 MiB
   */
  maxPendingBytes?: number;
  /**
   * How many of the peer's requests this side handles at once on one connection, and
   * announces in its hello. An OON peer queues its requests past it; one past it from a
   * peer that ignores it is answered with a `BadConn` error reply, its handler not run.
   * @default 256
   */
  maxRequestsInFlight?: number;
  /** Milliseconds of silence from the peer after which it is pinged. 0 disables heartbeats. @default 25000 */
  pingInterval?: number;
  /** Milliseconds a pinged peer has to answer (any bytes do) before it is dropped with `Timeout`. @default 20000 */
  pongTimeout?: number;
  /**
   * A resumable session's send window: bytes of messages it may have sent and not had
   * acknowledged (docs/reconnect.md), at most half of `maxPendingBytes` whatever is given.
   * Connected, a `send()` past it waits for the peer's acks (it resolves once written);
   * disconnected, it rejects with `BadConn`. @default 4 MiB
   */
  maxBufferedBytes?: number;
  /**
   * What a peer whose registry differs from this side's does to the handshake.
   * `'compatible'`: connect, and read each class by the rules of docs/evolution.md
   * (fields skipped, defaulted, renamed through aliases, widened); a class the other side
   * cannot read fails only the messages that carry it, with `BadData` naming the class,
   * field and rule, before anything is sent. `'strict'`: fail the handshake on any
   * difference in a class or enum both sides register. @default 'compatible'
   */
  schemaPolicy?: SchemaPolicy;
}

/** The server's grant of a session: what its hello says, and the session to run. */
export interface SessionGrant {
  readonly hello: SessionHello;
  readonly binding: SessionBinding;
}

/** A resuming client's answer to the server's challenge: the nonce sent, and the client's proof over it. */
export interface ResumeProof {
  readonly nonce: Uint8Array;
  readonly proof: Uint8Array;
}

/** What the endpoint that owns a connection tells it. */
export interface ConnectionOwner {
  /** The client speaks first in the handshake; the server answers. */
  readonly role: 'client' | 'server';
  /** Sent in the client's hello, for the server's `admit`. */
  readonly token?: string;
  /**
   * Server only: decides whether to admit a client from its hello; rejects (with an
   * `OonError`, usually `BadConn`) to refuse it. Frames behind the hello wait. A hello
   * that names a session comes with the client's `proof` of the session's secret.
   */
  admit?(hello: Hello, proof: ResumeProof | undefined): Promise<SessionGrant | undefined>;
  /** Client only: the `session` of its hello, to ask for a resumable session; none without it. */
  sessionRequest?(): SessionHello;
  /** Client only: the proof over the server's challenge `nonce` of the secret of the session its hello names. */
  proveSession?(nonce: Uint8Array): Promise<Uint8Array>;
  /** Client only: the server granted a session (its hello's `session`): the session to run. Throws `BadData` if the answer is wrong. */
  bindSession?(granted: SessionHello): SessionBinding;
  /**
   * Called once, synchronously, when the handshake is done and before any message of
   * the peer is handled, so the owner's listeners see every message.
   */
  onOpen?(): void;
  /**
   * Receives each revived message, in place of the connection's own `'message'` event
   * (the owner's relay to its listeners is then one emit per message, not two), and
   * returns whether a listener heard it, as `emit()` does. A message no listener heard is
   * held for `receive()`; one heard goes there only if a `receive()` already waits, so
   * event-driven code never accumulates memory. Called as a plain function, without `this`.
   */
  onMessage?: (object: object, message: NetMessage) => boolean;
  /**
   * Answers a request with the reply object, or rejects: an `OonError` reaches the
   * caller with its code, anything else as `BadData` with its message. Without it,
   * every request is answered with an error saying no handler is set. `signal` aborts
   * (with `BadConn`) when the connection closes, since the reply can then not be sent.
   */
  handleRequest?(object: object, signal: AbortSignal): object | Promise<object>;
}

/**
 * Why a connection ended, as `'close'` and `'disconnect'` events report it. `'timeout'`
 * is a deadline missed on either side: one of ours (handshake, partial frame, heartbeat),
 * or the peer's, when its Error frame has code `Timeout` (it gave up on our heartbeat).
 */
export type DisconnectReason =
  | 'local close'
  | 'remote close'
  | 'bad data'
  | 'rejected by peer'
  | 'refused'
  | 'connection error'
  | 'timeout'
  | 'slow consumer';

const RESUMABLE: ReadonlySet<DisconnectReason> = new Set<DisconnectReason>(['remote close', 'connection error', 'timeout']);

/**
 * Whether a session outlives a link that ended for `reason`: yes when the link was lost
 * (the peer went away, the network failed, a deadline passed on either side, such as a
 * process stopped or a laptop asleep missing heartbeats); no when an end was meant (a
 * close, a refusal) or the stream cannot be trusted (bad data) or kept up with (a slow
 * consumer). The client reconnects, and the server keeps the session, on the same rule.
 */
export function isResumable(reason: DisconnectReason): boolean {
  return RESUMABLE.has(reason);
}

/** Events emitted by {@link Connection}. */
export interface ConnectionEvents {
  /** A message arrived: the revived object, and the message that carried it. */
  message: [object: object, message: NetMessage];
  /**
   * The peer sent something wrong after the handshake: a message that could not be read
   * (dropped; the connection goes on), or a stream that could not (the connection is
   * being dropped).
   */
  error: [error: OonError];
  /** The peer could not read a message of ours and dropped it; the connection goes on. */
  rejected: [rejection: MessageRejection];
  /** The socket is closed; emitted once. `error` is set unless the close was a clean one. */
  close: [reason: DisconnectReason, error: OonError | undefined];
}

/** {@link ConnectionOptions} with every default filled in, as a connection runs with them. */
export interface ResolvedConnectionOptions {
  readonly registry: Registry;
  readonly maxFrameBytes: number;
  /** What each codec of the connection is built with. */
  readonly codecOptions: CodecOptions;
  /** The codecs this side speaks, most preferred first. */
  readonly codecs: readonly string[];
  readonly closeGrace: number;
  readonly handshakeTimeout: number;
  readonly maxPendingBytes: number;
  readonly maxRequestsInFlight: number;
  /** Speaking the origin's wire: no frames, no hello, no error reports. */
  readonly origin: boolean;
  readonly schemaPolicy: SchemaPolicy;
  readonly watchdog: WatchdogLimits;
}

function schemaPolicy(policy: SchemaPolicy | undefined): SchemaPolicy {
  if (policy === undefined) return 'compatible';
  if (policy !== 'compatible' && policy !== 'strict') throw new TypeError(`schemaPolicy must be 'compatible' or 'strict', got ${String(policy)}`);
  return policy;
}

/** Fills in a connection's defaults; throws `TypeError`/`RangeError` on a bad codec option. */
export function resolveConnectionOptions(options: ConnectionOptions): ResolvedConnectionOptions {
  checkEndpointCodecOptions(options);
  const registry = options.registry ?? defaultRegistry;
  const origin = options.protocol === 'oon-0.0.5';
  return {
    registry,
    maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    codecOptions: { ...options, registry },
    codecs: options.codec === undefined ? availableCodecs() : [options.codec],
    closeGrace: options.closeGrace ?? DEFAULT_CLOSE_GRACE,
    handshakeTimeout: options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT,
    maxPendingBytes: options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES,
    maxRequestsInFlight: options.maxRequestsInFlight ?? DEFAULT_MAX_REQUESTS_IN_FLIGHT,
    origin,
    schemaPolicy: schemaPolicy(options.schemaPolicy),
    watchdog: {
      partialFrameTimeout: options.partialFrameTimeout ?? DEFAULT_PARTIAL_FRAME_TIMEOUT,
      pingInterval: options.pingInterval ?? DEFAULT_PING_INTERVAL,
      pongTimeout: options.pongTimeout ?? DEFAULT_PONG_TIMEOUT,
    },
  };
}
