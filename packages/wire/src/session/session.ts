import type { BadConnError, NetMessageOptions } from '@oon/core';
import { Inbox } from '../connection/inbox';
import { settle, type SendOutcome } from '../connection/send-outcome';
import type { SharedMessage } from '../codec/shared-message';
import { randomUuid } from '../platform/crypto';
import { SessionReceiver } from './session-receiver';
import { SessionSender } from './session-sender';
import { sendWindow, type DeliveryStats, type SessionContext, type SessionLink, type SessionOptions } from './session-options';

export { DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_RESUME_WINDOW } from './session-options';
export type { DeliveryStats, SessionBinding, SessionHello, SessionLink, SessionOptions } from './session-options';

/**
 * A resumable session: what lets a client reconnect without losing or repeating a
 * message (docs/reconnect.md). Both sides of a session-enabled connection number their
 * messages and acknowledge what they received:
 *
 * ```
 * message:      [u32 BE length][u8 kind = 2][u64 BE seq][message payload]   a link's first
 * next message: [u32 BE length][u8 kind = 13][message payload]   seq one past the last (if the peer reads it)
 * ack:          [u32 BE length][u8 kind = 9][u64 BE seq]   highest seq received in order
 * ```
 *
 * A session keeps every message it sent until the peer acknowledges it, and resends
 * the rest after a reconnect; it drops what it receives twice. It outlives the
 * connections it runs over: the client keeps its own, the server keeps its side for
 * `resumeWindow` after the link drops.
 *
 * Each side has its own file: what is sent ({@link SessionSender}: the log, the send
 * window, resends) and what is received ({@link SessionReceiver}: seq checks, Acks). The
 * session runs both over one link at a time (attach, detach, restart, end), and is what
 * the rest of the SDK holds.
 */
export class Session implements SessionContext {
  #id: string;
  /** Messages for `receive()`, kept across reconnects. */
  readonly inbox: Inbox<object>;
  readonly stats: DeliveryStats = { sent: 0, resent: 0, received: 0, duplicates: 0, lost: 0 };
  /**
   * The receive side. A link's carrier calls it for every message itself, not through the
   * session: a call more on that path takes it past V8's inlining budget.
   */
  readonly receiver: SessionReceiver;
  readonly #sender: SessionSender;
  #peer: string;
  #link: SessionLink | undefined;

  constructor(options: SessionOptions) {
    this.#id = options.id ?? randomUuid();
    this.#peer = options.peer;
    this.#sender = new SessionSender(this, this.stats, sendWindow(options.maxBufferedBytes, options.maxPendingBytes));
    const receiver = (this.receiver = new SessionReceiver(this, this.stats));
    this.inbox = new Inbox<object>({ what: 'message', onFull: () => receiver.pause(), onDrain: () => receiver.resume() });
  }

  /** The session id, as the hellos carry it. */
  get id(): string {
    return this.#id;
  }

  /** The last seq received in order: what this side's hello reports when resuming. */
  get received(): number {
    return this.receiver.received;
  }

  /** The seq of the last message given to `send()` (0 before the first). */
  get lastSent(): number {
    return this.#sender.lastSent;
  }

  /** The highest seq the peer has acknowledged. */
  get lastAcknowledged(): number {
    return this.#sender.lastAcknowledged;
  }

  /** Messages sent and not yet acknowledged by the peer, counting those that wait to be written. */
  get unacknowledged(): number {
    return this.#sender.unacknowledged;
  }

  /** The send window in bytes: `maxBufferedBytes`, at most half of `maxPendingBytes`. */
  get window(): number {
    return this.#sender.window;
  }

  /**
   * Bytes of this session's messages written to `link` and not yet acknowledged: what
   * the link's socket may hold of them, copies of bytes {@link Session.heldBytes} counts.
   */
  inFlightBytes(link: SessionLink): number {
    return this.#sender.inFlightBytes(link);
  }

  /**
   * Bytes of every message not yet acknowledged (in flight, or waiting for room in the
   * window), while `link` carries the session: what the link's `maxPendingBytes` counts of it.
   */
  heldBytes(link: SessionLink): number {
    return this.#sender.heldBytes(link);
  }

  /** True while a connection carries the session. */
  get attached(): boolean {
    return this.#link !== undefined;
  }

  /** True once the session is over: sends reject, nothing is resent. */
  get ended(): boolean {
    return this.#sender.ended;
  }

  /** The peer, for messages: the current link's, else the last one's (or the options' `peer`). */
  describePeer(): string {
    return this.#link?.describePeer() ?? this.#peer;
  }

  /**
   * Numbers, encodes and keeps a message until the peer acknowledges it. Attached, it is
   * written once the window has room: at once while the peer keeps up (resolving when
   * handed to the OS), else after the earlier messages, as the peer's acks free room
   * (resolving when written; rejecting with `BadConn` if the session ends first). A
   * message that would take what is held for the peer past the link's `maxPendingBytes`
   * evicts the peer as a slow consumer instead, and rejects with that `BadConn` (the
   * session then ends). Detached, it is held for the next link and resolves at once, up
   * to the window held, past which this rejects with `BadConn`. Rejects with `BadData`
   * when the object cannot be encoded, or its class is one the peer's hello did not list
   * (nothing is kept then). The promise is marked handled: dropping it cannot end the process.
   */
  send(object: object, options: NetMessageOptions = {}): Promise<void> {
    return settle(this.offer(object, options));
  }

  /** {@link Session.send}, with a refusal returned rather than rejected: what `broadcast()` counts. */
  offer(object: object, options: NetMessageOptions = {}): SendOutcome {
    return this.#sender.offer(object, options, undefined);
  }

  /** {@link Session.offer} of a message sent to many peers: its payload is the one encoded for this link's key, shared. */
  offerShared(shared: SharedMessage): SendOutcome {
    return this.#sender.offer(shared.message.object, undefined, shared);
  }

  /**
   * Runs the session over a new link: forgets what the peer says it received, writes the rest in
   * order, as much as the window holds (the peer's acks admit the rest), and acknowledges by the
   * peer's window (`peerWindow`, if announced). Messages go as NextMessage frames, but for the
   * link's first, if the peer reads them (`peerNext`). Throws `BadData` if the peer claims more than was sent.
   */
  attach(link: SessionLink, peerReceived: number, peerWindow?: number, peerNext = false): void {
    this.#link = link;
    this.#peer = link.describePeer();
    this.receiver.attach(link, peerWindow);
    this.#sender.attach(link, peerReceived, peerNext);
    if (this.receiver.paused) link.pause();
  }

  /** The link is gone; messages are held until the next {@link Session.attach}. */
  detach(link: SessionLink): void {
    if (this.#link !== link) return;
    this.#link = undefined;
    this.#sender.detach();
    this.receiver.detach();
  }

  /**
   * The peer's side of the session is gone (a restarted server): start a new one under
   * `id`. What was not acknowledged is renumbered from 1 and resent on attach; the
   * peer may have received some of it already, and will see those twice.
   */
  restart(id: string): void {
    this.#sender.restart(this.#id);
    this.#id = id;
    this.receiver.restart();
  }

  /**
   * Continues, in this new process, a session another one ran (a cluster node that died,
   * docs/scaling.md): this side's next message gets `peerReceived + 1`, what the peer says
   * it received; and the peer's first message is taken as next whatever its seq, since
   * what it had acknowledged died with the other process. Only before the first attach.
   */
  continueFrom(peerReceived: number): void {
    this.#sender.startAt(peerReceived + 1);
    this.receiver.takeOver();
  }

  /**
   * The peer received everything up to `seq`: forget it, and write what now fits in the
   * window. Throws `BadData` for a seq never written.
   */
  acknowledge(seq: number): void {
    this.#sender.acknowledge(seq);
  }

  /** Sends the pending Ack now (before a deliberate close, so the peer forgets what arrived). */
  flushAck(): void {
    this.receiver.flushAck();
  }

  /** Resolves once the peer has acknowledged everything sent so far (or the session ends). */
  drained(): Promise<void> {
    return this.#sender.drained();
  }

  /** Waits (at most `ms`) for the peer to acknowledge everything sent: what a deliberate close does first. */
  async settle(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    await Promise.race([this.drained(), deadline]);
    clearTimeout(timer);
  }

  /**
   * Ends the session for good: returns how many messages were never acknowledged (now
   * counted as lost; the sends of those still waiting to be written reject with
   * `BadConn`), and finishes the inbox (`error` makes readers fail with it).
   */
  end(error?: BadConnError): number {
    if (this.ended) return 0;
    if (this.#link !== undefined) this.detach(this.#link);
    const lost = this.#sender.end(error);
    if (error === undefined) this.inbox.finish();
    else this.inbox.end(error);
    return lost;
  }
}
