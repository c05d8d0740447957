import type { BadDataError, OonError } from '@oon/core';
import type { FrameCodec } from '../codec/codec';
import type { PayloadKey, SharedMessage } from '../codec/shared-message';
import { DEFAULT_MAX_PENDING_BYTES } from '../framing/constants';
import type { Session } from './session';
import type { RunSource } from '../framing/frame-writer';

/** Milliseconds a server keeps a dropped client's session for it to resume. @default 120000 (2 min) */
export const DEFAULT_RESUME_WINDOW = 120_000;

/**
 * The send window: bytes of messages a session may have sent and not had acknowledged
 * (connected, a send past it waits for the peer's acks), and may hold while
 * disconnected (past it, a send rejects). At most half of `maxPendingBytes`, the bound
 * on everything held for a peer. @default 4 MiB
 */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * The `session` field of a hello. The client's says which session it wants to resume
 * (`id`, absent for a new one) and the last seq it received in it; the server's names
 * the session granted, whether it was `resumed`, and the last seq it received in it.
 * A new session's grant also carries its `secret`, the only time it travels: resuming
 * takes proof of it (docs/protocol.md, "Resuming a session").
 */
export interface SessionHello {
  readonly id?: string;
  readonly resumed?: boolean;
  readonly received: number;
  /** The new session's secret, base64 (server hello, `resumed: false` only). */
  readonly secret?: string;
  /**
   * The sender's send window in bytes (its `maxBufferedBytes`, at most half of its
   * `maxPendingBytes`): the peer acknowledges once a quarter of it has arrived. Absent
   * (an older OON, a hand-written peer): acknowledged every 64 messages or 64 KiB.
   */
  readonly window?: number;
  /**
   * True: the sender reads NextMessage frames (a message without its seq, one past the
   * message before it on the link), so the peer may send them. Absent (an older OON, a
   * hand-written peer): every message carries its seq.
   */
  readonly next?: boolean;
}

/** A session and where to resume sending: the peer's last received seq. */
export interface SessionBinding {
  readonly session: Session;
  readonly peerReceived: number;
  /** The peer's send window, as its hello announced it (`SessionHello.window`); `undefined` if it announced none. */
  readonly peerWindow?: number | undefined;
  /** The peer reads NextMessage frames (its hello's `next: true`): messages go without their seqs, but for a link's first. */
  readonly peerNext?: boolean | undefined;
}

/** What a session needs from the connection it runs over. */
export interface SessionLink {
  readonly codec: FrameCodec;
  /** Which links share an encoding of a message sent to many ({@link SharedMessage}). */
  readonly payloadKey: PayloadKey;
  readonly maxFrameBytes: number;
  describePeer(): string;
  /**
   * The session's log has message frames for the link: it pulls them
   * (`source.pullRuns`, once the session took them for it) before it writes any other
   * frame, and at the latest at the end of the tick, where they lie (no copy: the log
   * never writes over them while a socket may hold them). The session tells it once per
   * pull, not once per message. Returns the promise of the write they go in: resolves
   * when it is handed to the OS. Not held against the link's bound: they were counted
   * when sent ({@link SessionLink.admit}).
   */
  writeLater(source: RunSource): Promise<void>;
  /** Pulls at once what the session told it of (a long burst: the link writes it without waiting for the tick to end). */
  pullNow(): void;
  /** Writes a control frame (an Ack), no one waiting for it, through the link's bound. */
  writeControl(frame: Uint8Array): void;
  /**
   * Whether a new message of `bytes` may be held for the peer (the link's
   * `maxPendingBytes`, which counts this session's messages); if not, the link has
   * evicted the peer as a slow consumer, and this is the error.
   */
  admit(bytes: number): OonError | undefined;
  /** The `BadData` for an object whose class the peer's hello did not list; `undefined` to send it. */
  refuseUnknown(object: object): BadDataError | undefined;
  pause(): void;
  resume(): void;
  /** The peer's messages are out of step (a gap, a seq that cannot be read): the stream cannot be trusted, so the link is dropped. */
  fail(error: OonError): void;
}

/**
 * What each side of a {@link Session} (its `SessionSender` and `SessionReceiver`)
 * asks of the session, for what it says: the session's id, and who its peer is.
 */
export interface SessionContext {
  readonly id: string;
  /** The peer, for messages: the current link's, else the last one's. */
  describePeer(): string;
}

/** What a session delivered: the figures behind "exactly once, in order". */
export interface DeliveryStats {
  /** Messages given to `send()` in this session. */
  sent: number;
  /** Messages written again after a reconnect because the peer had not acknowledged them. */
  resent: number;
  /** Messages delivered to this side, each once. */
  received: number;
  /** Messages that arrived again after a reconnect and were dropped, not delivered. */
  duplicates: number;
  /** Messages given up: still unacknowledged when the session ended. */
  lost: number;
}

/** Options of {@link Session}. */
export interface SessionOptions {
  /** The session id. @default a random UUID */
  id?: string;
  /** See {@link DEFAULT_MAX_BUFFERED_BYTES}. @default 4 MiB */
  maxBufferedBytes?: number | undefined;
  /**
   * The links' bound on everything held for the peer: the window is at most half of it,
   * so a sender that awaits its sends stays under it (docs/limits.md). @default 8 MiB
   */
  maxPendingBytes?: number | undefined;
  /** Who the peer is, for messages, while no link is attached. */
  peer: string;
}

/**
 * The send window: `maxBufferedBytes`, at most half of `maxPendingBytes`. Half, so that a
 * full window, the message a sender awaits behind it, and the control frames of the
 * link stay under the bound on everything held for the peer (docs/limits.md).
 */
export function sendWindow(maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES, maxPendingBytes = DEFAULT_MAX_PENDING_BYTES): number {
  return Math.max(1, Math.min(maxBufferedBytes, Math.floor(maxPendingBytes / 2)));
}
