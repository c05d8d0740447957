import type { NetMessage, OonError, Registry } from '@oon/core';
import type { CodecOptions } from './codec-options';
import type { Hello } from './handshake';
import type { SessionBinding, SessionHello } from './session';

/**
 * Which wire a connection speaks: `'oon'` (framed, with a handshake: docs/protocol.md)
 * or `'oon-0.0.5'`, the origin's unframed JSON, to talk to Python oon 0.0.5 peers.
 */
export type WireProtocol = 'oon' | 'oon-0.0.5';

/** Options of {@link Connection}, shared by both endpoints; the codec options apply to every message. */
export interface ConnectionOptions extends CodecOptions {
  /**
   * The only codec this side offers (client) or accepts (server). Unset, both are spoken
   * and `'binary'` is preferred; `'json'` is for reading the wire while debugging.
   * @default undefined (binary, else json)
   */
  codec?: 'binary' | 'json';
  /** The wire to speak; both sides must use the same. @default 'oon' */
  protocol?: WireProtocol;
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
   * flushed, the peer's close is awaited) before destroying the socket. @default 10000
   */
  closeGrace?: number;
  /**
   * Milliseconds a peer may take to finish a frame it has started; past it, it is
   * dropped with `Timeout` (slowloris guard). 0 disables. @default 10000
   */
  partialFrameTimeout?: number;
  /**
   * Bytes written and not yet taken by the peer; a send past it evicts the peer as a
   * slow consumer (`BadConn`, reason `'slow consumer'`) instead of growing memory. @default 8 MiB
   */
  maxPendingBytes?: number;
  /** Milliseconds of silence from the peer after which it is pinged. 0 disables heartbeats. @default 25000 */
  pingInterval?: number;
  /** Milliseconds a pinged peer has to answer (any bytes do) before it is dropped with `Timeout`. @default 20000 */
  pongTimeout?: number;
  /**
   * Bytes of unacknowledged messages a resumable session holds, connected or not
   * (docs/reconnect.md); past it `send()` rejects with `BadConn`. @default 8 MiB
   */
  maxBufferedBytes?: number;
}

/** The server's grant of a session: what its hello says, and the session to run. */
export interface SessionGrant {
  readonly hello: SessionHello;
  readonly binding: SessionBinding;
}

/** What the endpoint that owns a connection tells it. */
export interface ConnectionOwner {
  /** The client speaks first in the handshake; the server answers. */
  readonly role: 'client' | 'server';
  /** Sent in the client's hello, for the server's `admit`. */
  readonly token?: string;
  /**
   * Server only: decides whether to admit a client from its hello; rejects (with an
   * `OonError`, usually `BadConn`) to refuse it. Frames behind the hello wait.
   */
  admit?(hello: Hello): Promise<SessionGrant | undefined>;
  /** Client only: the `session` of its hello, to ask for a resumable session; none without it. */
  sessionRequest?(): SessionHello;
  /** Client only: the server granted a session (its hello's `session`): the session to run. Throws `BadData` if the answer is wrong. */
  bindSession?(granted: SessionHello): SessionBinding;
  /**
   * Called once, synchronously, when the handshake is done and before any message of
   * the peer is handled, so the owner's listeners see every message.
   */
  onOpen?(): void;
  /**
   * True while the endpoint has `'message'` listeners. Without any, messages are held
   * for `receive()`; with some, only a `receive()` already waiting gets them, so
   * event-driven code never accumulates memory.
   */
  hasMessageListeners(): boolean;
  /**
   * Answers a request with the reply object, or rejects: an `OonError` reaches the
   * caller with its code, anything else as `BadData` with its message. Without it,
   * every request is answered with an error saying no handler is set.
   */
  handleRequest?(object: object): Promise<object>;
}

/** Why a connection ended, as `'close'` and `'disconnect'` events report it. */
export type DisconnectReason =
  | 'local close'
  | 'remote close'
  | 'bad data'
  | 'rejected by peer'
  | 'refused'
  | 'connection error'
  | 'timeout'
  | 'slow consumer';

/** Events emitted by {@link Connection}. */
export interface ConnectionEvents {
  /** A message arrived: the revived object, and the message that carried it. */
  message: [object: object, message: NetMessage];
  /** The peer sent something wrong after the handshake; the connection is being dropped. */
  error: [error: OonError];
  /** The socket is closed; emitted once. `error` is set unless the close was a clean one. */
  close: [reason: DisconnectReason, error: OonError | undefined];
}
