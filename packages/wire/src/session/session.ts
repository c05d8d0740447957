import { BadConnError, BadDataError, NetMessage, OonError, type NetMessageOptions } from '@oon/core';
import type { Codec } from '../codec/codec';
import { DEFAULT_MAX_PENDING_BYTES, FRAME_LENGTH_BYTES, FrameKind } from '../framing/constants';
import { encodeFrame } from '../framing/frame-encoder';
import { Inbox } from '../connection/inbox';
import { overMaxFrameBytes } from '../framing/message-frame';
import { OutgoingLog } from './outgoing-log';
import type { WaitGroup } from './wait-group';
import { seqBytes } from './seq';
import { settle, type SendOutcome } from '../connection/send-outcome';
import { toOonError } from '../rpc/error-report';
import type { PayloadKey, SharedMessage } from '../codec/shared-message';
import { randomUuid } from '../platform/crypto';
import { utf8Length } from '../platform/bytes';
import { afterTick } from '../platform/ticks';

/** Milliseconds a server keeps a dropped client's session for it to resume. @default 120000 (2 min) */
export const DEFAULT_RESUME_WINDOW = 120_000;

/**
 * The send window: bytes of messages a session may have sent and not had acknowledged
 * (connected, a send past it waits for the peer's acks), and may hold while
 * disconnected (past it, a send rejects). At most half of `maxPendingBytes`, the bound
 * on everything held for a peer. @default 4 MiB
 */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** What a send that need not wait returns: one promise for all of them. */
const RESOLVED = Promise.resolve();

/** Messages received before an Ack is sent (at the end of the tick). */
const ACK_EVERY = 64;
/**
 * Bytes of messages received before an Ack is sent (at the end of the tick): big
 * messages are acknowledged as they come, not 64 at a time, so a sender whose window or
 * `maxPendingBytes` is a few of them is not held up (or its peer evicted) by the Ack's delay.
 */
const ACK_EVERY_BYTES = 64 * 1024;
/** Milliseconds an Ack may wait for more messages to acknowledge with it. */
const ACK_DELAY = 20;

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
}

/** A session and where to resume sending: the peer's last received seq. */
export interface SessionBinding {
  readonly session: Session;
  readonly peerReceived: number;
}

/** What a session needs from the connection it runs over. */
export interface SessionLink {
  readonly codec: Codec;
  /** Which links share an encoding of a message sent to many ({@link SharedMessage}). */
  readonly payloadKey: PayloadKey;
  readonly maxFrameBytes: number;
  describePeer(): string;
  /**
   * Writes one or more whole message frames of the log; resolves when they are handed to
   * the OS. `frames` is a view of the session's log: the link copies it before returning
   * (the log reuses its memory once the frames are acknowledged). Not held against the
   * link's bound: they were counted when sent ({@link SessionLink.admit}).
   */
  write(frames: Uint8Array): Promise<void>;
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
 * A resumable session: what lets a client reconnect without losing or repeating a
 * message (docs/reconnect.md). Both sides of a session-enabled connection number their
 * Message frames and acknowledge what they received:
 *
 * ```
 * message: [u32 BE length][u8 kind = 2][u64 BE seq][message payload]
 * ack:     [u32 BE length][u8 kind = 9][u64 BE seq]   highest seq received in order
 * ```
 *
 * A session keeps every message it sent until the peer acknowledges it, and resends
 * the rest after a reconnect; it drops what it receives twice. It outlives the
 * connections it runs over: the client keeps its own, the server keeps its side for
 * `resumeWindow` after the link drops.
 */
export class Session {
  #id: string;
  /** Messages for `receive()`, kept across reconnects. */
  readonly inbox: Inbox<object>;
  readonly stats: DeliveryStats = { sent: 0, resent: 0, received: 0, duplicates: 0, lost: 0 };
  /** The send window: `maxBufferedBytes`, at most half of `maxPendingBytes`. */
  readonly #window: number;
  #peer: string;
  #link: SessionLink | undefined;
  /** The codec and limit of the last link, to encode what is sent while detached. */
  #codec: Codec | undefined;
  /** The last link's payload key, for what is sent while detached (encoded with `#codec`). */
  #payloadKey: PayloadKey = '';
  #maxFrameBytes = 0;
  /** The last link's check of the peer's classes: what is sent while detached goes to the same peer. */
  #refuseUnknown: SessionLink['refuseUnknown'] = () => undefined;
  /** What was sent and not acknowledged, and what waits to be written, encoded with `#codec`. */
  readonly #outgoing: OutgoingLog;
  #received = 0;
  #unackedIn = 0;
  #unackedInBytes = 0;
  #ackTimer: NodeJS.Timeout | undefined;
  /** An Ack is due at the end of this tick ({@link ACK_EVERY} messages came). */
  #ackQueued = false;
  #paused = false;
  #ended = false;
  /** Taken over from another process: the peer's first message sets where its seqs stand ({@link Session.continueFrom}). */
  #rebase = false;
  #drainWaiters: Array<() => void> = [];
  /**
   * The last write's promise and the same with its failure ignored: the frames of one tick
   * share one write promise, so they share this one too (not one promise per message).
   */
  #lastWrite: Promise<void> | undefined;
  #lastWritten: Promise<void> = Promise.resolve();

  constructor(options: SessionOptions) {
    this.#id = options.id ?? randomUuid();
    this.#peer = options.peer;
    this.#window = sendWindow(options.maxBufferedBytes, options.maxPendingBytes);
    this.#outgoing = new OutgoingLog(this.#window);
    this.inbox = new Inbox<object>({
      what: 'message',
      onFull: () => {
        this.#paused = true;
        this.#link?.pause();
      },
      onDrain: () => {
        this.#paused = false;
        this.#link?.resume();
        this.#sendAck();
      },
    });
  }

  /** The session id, as the hellos carry it. */
  get id(): string {
    return this.#id;
  }

  /** The last seq received in order: what this side's hello reports when resuming. */
  get received(): number {
    return this.#received;
  }

  /** The seq of the last message given to `send()` (0 before the first). */
  get lastSent(): number {
    return this.#outgoing.nextSeq - 1;
  }

  /** The highest seq the peer has acknowledged. */
  get lastAcknowledged(): number {
    return this.#outgoing.nextSeq - 1 - this.#outgoing.length;
  }

  /** Messages sent and not yet acknowledged by the peer, counting those that wait to be written. */
  get unacknowledged(): number {
    return this.#outgoing.length;
  }

  /** The send window in bytes: `maxBufferedBytes`, at most half of `maxPendingBytes`. */
  get window(): number {
    return this.#window;
  }

  /**
   * Bytes of this session's messages written to `link` and not yet acknowledged: what
   * the link's socket may hold of them, copies of bytes {@link Session.heldBytes} counts.
   */
  inFlightBytes(link: SessionLink): number {
    return link === this.#link ? this.#outgoing.flightBytes : 0;
  }

  /**
   * Bytes of every message not yet acknowledged (in flight, or waiting for room in the
   * window), while `link` carries the session: what the link's `maxPendingBytes` counts of it.
   */
  heldBytes(link: SessionLink): number {
    return link === this.#link ? this.#outgoing.heldBytes : 0;
  }

  /** True while a connection carries the session. */
  get attached(): boolean {
    return this.#link !== undefined;
  }

  /** True once the session is over: sends reject, nothing is resent. */
  get ended(): boolean {
    return this.#ended;
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
    return this.#offer(object, (codec) => codec.encode(new NetMessage(object, options)));
  }

  /** {@link Session.offer} of a message sent to many peers: its payload is the one encoded for this link's key, shared. */
  offerShared(shared: SharedMessage): SendOutcome {
    return this.#offer(shared.message.object, (codec) => shared.payloadFor(this.#link?.payloadKey ?? this.#payloadKey, codec));
  }

  /** Numbers and keeps the payload `encode` gives (or throws, or returns as a refusal). */
  #offer(object: object, encode: (codec: Codec) => string | Uint8Array | OonError): SendOutcome {
    const link = this.#link;
    const codec = link?.codec ?? this.#codec;
    if (this.#ended || codec === undefined) {
      return new BadConnError(`cannot send to ${this.#describePeer()}: the connection is closed and its session has ended`);
    }
    const unknown = this.#refuseUnknown(object);
    if (unknown !== undefined) return unknown;
    let payload: string | Uint8Array | OonError;
    let payloadBytes: number;
    try {
      payload = encode(codec);
      if (payload instanceof OonError) return payload;
      payloadBytes = typeof payload === 'string' ? utf8Length(payload) : payload.length;
      this.#checkFrameBytes(payloadBytes);
    } catch (err) {
      return toOonError(err);
    }
    const queue = this.#outgoing;
    const frameBytes = OutgoingLog.frameBytes(payloadBytes);
    const refused = link === undefined ? this.#refuseDetached(frameBytes) : link.admit(frameBytes);
    if (refused !== undefined) return refused;
    // Behind a message that waits, or past the window: wait too, so order is kept.
    const now = link !== undefined && queue.caughtUp && queue.fits(frameBytes);
    queue.append(payload, payloadBytes);
    this.stats.sent += 1;
    if (link === undefined) return RESOLVED;
    if (!now) return queue.wait();
    return this.#write(link, queue.take());
  }

  /** Detached nothing paces the sender: what may be held is the window, so a resend on the next link fits in it. */
  #refuseDetached(frameBytes: number): BadConnError | undefined {
    const held = this.#outgoing.heldBytes;
    if (held === 0 || held + frameBytes <= this.#window) return undefined;
    return new BadConnError(
      `not connected to ${this.#describePeer()}, and ${held} bytes already wait to be sent: this message would pass the send window (${this.#window}: maxBufferedBytes, at most half of maxPendingBytes). Wait for the reconnect, or raise maxBufferedBytes`,
    );
  }

  /**
   * Runs the session over a new link: forgets what the peer says it received, and
   * writes the rest in order, as much as the window holds (the peer's acks admit the
   * rest). Throws `BadData` if the peer claims more than was sent.
   */
  attach(link: SessionLink, peerReceived: number): void {
    const previous = this.#codec;
    this.#link = link;
    this.#maxFrameBytes = link.maxFrameBytes;
    this.#refuseUnknown = (object) => link.refuseUnknown(object);
    this.#peer = link.describePeer();
    this.#outgoing.rewind();
    this.#acknowledge(peerReceived);
    // `#codec` is what the log is encoded with: it changes only once the log is re-encoded
    // (all or nothing), so a link that fails it leaves the log as the next link expects.
    if (previous !== undefined && previous.name !== link.codec.name) this.#reencode(previous, link.codec);
    this.#codec = link.codec;
    this.#payloadKey = link.payloadKey;
    this.#pump(link);
    if (this.#paused) link.pause();
  }

  /** The link is gone; messages are held until the next {@link Session.attach}. */
  detach(link: SessionLink): void {
    if (this.#link !== link) return;
    this.#link = undefined;
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
  }

  /**
   * The peer's side of the session is gone (a restarted server): start a new one under
   * `id`. What was not acknowledged is renumbered from 1 and resent on attach; the
   * peer may have received some of it already, and will see those twice.
   */
  restart(id: string): void {
    this.#id = id;
    this.#received = 0;
    this.#unackedIn = 0;
    this.#unackedInBytes = 0;
    this.#outgoing.renumber();
  }

  /**
   * Continues, in this new process, a session another one ran (a cluster node that died,
   * docs/scaling.md): this side's next message gets `peerReceived + 1`, what the peer says
   * it received; and the peer's first message is taken as next whatever its seq, since
   * what it had acknowledged died with the other process. Only before the first attach.
   */
  continueFrom(peerReceived: number): void {
    this.#outgoing.startAt(peerReceived + 1);
    this.#rebase = true;
  }

  /**
   * Checks an incoming message's seq: true to deliver it (it is next), false for a
   * duplicate (dropped and counted). A gap is `BadData`: the peer is out of step.
   */
  accept(seq: number, bytes = 0): boolean {
    if (seq <= this.#received) {
      this.stats.duplicates += 1;
      return false;
    }
    if (seq !== this.#received + 1 && !this.#rebase) {
      throw new BadDataError(`${this.#describePeer()} sent message #${seq} after #${this.#received}: the messages between are missing`);
    }
    this.#rebase = false;
    this.#received = seq;
    this.stats.received += 1;
    this.#ackLater(bytes);
    return true;
  }

  /**
   * The peer received everything up to `seq`: forget it, and write what now fits in the
   * window. Throws `BadData` for a seq never written.
   */
  acknowledge(seq: number): void {
    this.#acknowledge(seq);
    if (this.#link !== undefined) this.#pump(this.#link);
  }

  /** Sends the pending Ack now (before a deliberate close, so the peer forgets what arrived). */
  flushAck(): void {
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    this.#sendAck(true);
  }

  /** Resolves once the peer has acknowledged everything sent so far (or the session ends). */
  drained(): Promise<void> {
    if (this.unacknowledged === 0 || this.#ended) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
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
    if (this.#ended) return 0;
    this.#ended = true;
    if (this.#link !== undefined) this.detach(this.#link);
    const { lost, waiting } = this.#outgoing.clear();
    this.stats.lost += lost;
    this.#failWaiters(waiting, lost, error);
    this.#drainWaiters.splice(0).forEach((wake) => wake());
    if (error === undefined) this.inbox.finish();
    else this.inbox.end(error);
    return lost;
  }

  /**
   * An Ack goes at the end of the tick in which {@link ACK_EVERY} messages came, or
   * {@link ACK_DELAY} ms after the first one not yet acknowledged. At the end of the tick,
   * so the messages of one received chunk (hundreds, when small) get one Ack, not one per
   * 64 (Acks every 64 cost sender and receiver ~0.1 µs per message each, measured
   * against every 1,024). An Ack sent for the count leaves the timer running (it
   * acknowledges what came since, or nothing): a stream of messages then costs one timer
   * per delay, not one per Ack (setting and clearing it was 2.5% of a receiver's time).
   */
  #ackLater(bytes: number): void {
    this.#unackedIn += 1;
    this.#unackedInBytes += bytes;
    if (this.#unackedIn < ACK_EVERY && this.#unackedInBytes < ACK_EVERY_BYTES) this.#ackTimer ??= setTimeout(this.#ackDue, ACK_DELAY);
    else if (!this.#ackQueued) {
      this.#ackQueued = true;
      afterTick(this.#ackNow);
    }
  }

  readonly #ackDue = (): void => {
    this.#ackTimer = undefined;
    this.#sendAck();
  };

  readonly #ackNow = (): void => {
    this.#ackQueued = false;
    this.#sendAck();
  };

  /**
   * Writes an Ack for what arrived, unless the inbox is full (`force` aside, for a
   * deliberate close). Holding Acks while the app does not read is what bounds a reader
   * that cannot stop reading its transport (a browser's WebSocket cannot pause): the
   * peer's send window fills and its sends wait, as a paused TCP socket makes them.
   */
  #sendAck(force = false): void {
    if (this.#unackedIn === 0 || this.#link === undefined || (this.#paused && !force)) return;
    this.#unackedIn = 0;
    this.#unackedInBytes = 0;
    this.#link.writeControl(encodeFrame(FrameKind.Ack, seqBytes(this.#received)));
  }

  /**
   * Writes a message frame; resolves when it is handed to the OS, or when the write
   * failed: that loses nothing, the message stays until acknowledged and is resent on
   * the next link.
   */
  #write(link: SessionLink, frame: Uint8Array): Promise<void> {
    const write = link.write(frame);
    if (write !== this.#lastWrite) {
      this.#lastWrite = write;
      this.#lastWritten = write.catch(() => {});
    }
    return this.#lastWritten;
  }

  /** Forgets what the peer received, up to `seq`; `BadData` for a seq never written. */
  #acknowledge(seq: number): void {
    const queue = this.#outgoing;
    if (seq > queue.highestWritten) {
      throw new BadDataError(`${this.#describePeer()} acknowledged message #${seq}, but only ${queue.highestWritten} were sent in session ${this.#id}`);
    }
    queue.acknowledge(seq);
    if (queue.length === 0) this.#drainWaiters.splice(0).forEach((wake) => wake());
  }

  /** Writes to `link`, in order, what waits for it and fits in the window; settles the sends that waited. */
  #pump(link: SessionLink): void {
    const settled: WaitGroup[] = [];
    this.stats.resent += this.#outgoing.pump((frames) => void this.#write(link, frames), settled);
    // Writes are handed to the OS in order: once the last is, so are all before it.
    if (settled.length > 0) void this.#lastWritten.then(() => settled.forEach((group) => group.resolve()));
  }

  /** The session ended with messages still waiting to be written: their sends fail. */
  #failWaiters(waiting: WaitGroup[], lost: number, cause: BadConnError | undefined): void {
    if (waiting.length === 0) return;
    const failure = new BadConnError(
      `the session with ${this.#describePeer()} ended before this message was written: it waited for acks of earlier messages (send window ${this.#window}); ${lost} messages were not acknowledged`,
      cause === undefined ? undefined : { cause },
    );
    for (const group of waiting) group.reject(failure);
  }

  /** A frame of `payloadBytes` (behind its seq) over the link's `maxFrameBytes` is `BadData`, and nothing is kept. */
  #checkFrameBytes(payloadBytes: number): void {
    // What the peer's decoder measures against its limit: the frame without its length prefix.
    const size = OutgoingLog.frameBytes(payloadBytes) - FRAME_LENGTH_BYTES;
    if (size > this.#maxFrameBytes) throw overMaxFrameBytes(size, this.#maxFrameBytes);
  }

  /** The new link agreed on another codec: every message kept is encoded again with it (throws `BadData` if one cannot be). */
  #reencode(from: Codec, to: Codec): void {
    this.#outgoing.reencode((payload) => {
      const message = from.decode(payload);
      const encoded = to.encode(new NetMessage(message.object, { uuid: message.uuid }));
      this.#checkFrameBytes(typeof encoded === 'string' ? utf8Length(encoded) : encoded.length);
      return encoded;
    });
  }

  #describePeer(): string {
    return this.#link?.describePeer() ?? this.#peer;
  }
}

/**
 * The send window: `maxBufferedBytes`, at most half of `maxPendingBytes`. Half, so that a
 * full window, the message a sender awaits behind it, and the control frames of the
 * link stay under the bound on everything held for the peer (docs/limits.md).
 */
function sendWindow(maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES, maxPendingBytes = DEFAULT_MAX_PENDING_BYTES): number {
  return Math.max(1, Math.min(maxBufferedBytes, Math.floor(maxPendingBytes / 2)));
}
