import { randomUUID } from 'node:crypto';
import { BadConnError, BadDataError, NetMessage, type NetMessageOptions } from '@oon/core';
import type { Codec } from './codec';
import { FRAME_HEADER_BYTES, FrameKind } from './constants';
import { encodeFrame } from './frame-encoder';
import { Inbox } from './inbox';
import { encodeMessageFrame } from './message-frame';

/** Bytes of the sequence number in front of a session's message payload (u64 BE). */
export const SEQ_BYTES = 8;

/** Milliseconds a server keeps a dropped client's session for it to resume. @default 120000 (2 min) */
export const DEFAULT_RESUME_WINDOW = 120_000;

/** Bytes of unacknowledged messages a session holds (connected or not) before `send()` rejects. @default 8 MiB */
export const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Messages received before an Ack is sent at once. */
const ACK_EVERY = 64;
/** Milliseconds an Ack may wait for more messages to acknowledge with it. */
const ACK_DELAY = 20;

/**
 * The `session` field of a hello. The client's says which session it wants to resume
 * (`id`, absent for a new one) and the last seq it received in it; the server's names
 * the session granted, whether it was `resumed`, and the last seq it received in it.
 */
export interface SessionHello {
  readonly id?: string;
  readonly resumed?: boolean;
  readonly received: number;
}

/** A session and where to resume sending: the peer's last received seq. */
export interface SessionBinding {
  readonly session: Session;
  readonly peerReceived: number;
}

/** What a session needs from the connection it runs over. */
export interface SessionLink {
  readonly codec: Codec;
  readonly maxFrameBytes: number;
  describePeer(): string;
  /** Writes a frame; resolves when it is handed to the OS. */
  write(frame: Buffer): Promise<void>;
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
  /** See {@link DEFAULT_MAX_BUFFERED_BYTES}. @default 8 MiB */
  maxBufferedBytes?: number;
  /** Who the peer is, for messages, while no link is attached. */
  peer: string;
}

interface Outgoing {
  seq: number;
  frame: Buffer;
  codec: Codec;
  /** Written to some link at least once: writing it again counts as a resend. */
  written: boolean;
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
  readonly #maxBufferedBytes: number;
  #peer: string;
  #link: SessionLink | undefined;
  /** The codec and limit of the last link, to encode what is sent while detached. */
  #codec: Codec | undefined;
  #maxFrameBytes = 0;
  /** The last link's check of the peer's classes: what is sent while detached goes to the same peer. */
  #refuseUnknown: SessionLink['refuseUnknown'] = () => undefined;
  /** Unacknowledged messages, oldest first, from `#head` on. */
  #outgoing: Outgoing[] = [];
  #head = 0;
  #bufferedBytes = 0;
  #nextSeq = 1;
  #received = 0;
  #unackedIn = 0;
  #ackTimer: NodeJS.Timeout | undefined;
  #paused = false;
  #ended = false;
  #drainWaiters: Array<() => void> = [];

  constructor(options: SessionOptions) {
    this.#id = options.id ?? randomUUID();
    this.#peer = options.peer;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.inbox = new Inbox<object>({
      what: 'message',
      onFull: () => {
        this.#paused = true;
        this.#link?.pause();
      },
      onDrain: () => {
        this.#paused = false;
        this.#link?.resume();
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

  /** Messages sent and not yet acknowledged by the peer. */
  get unacknowledged(): number {
    return this.#outgoing.length - this.#head;
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
   * written at once (resolving when handed to the OS); detached, it is held for the next
   * link. Unacknowledged messages are bounded by `maxBufferedBytes`, past which this
   * rejects with `BadConn`. Rejects with `BadData` when the object cannot be encoded, or
   * its class is one the peer's hello did not list (nothing is kept then).
   */
  send(object: object, options: NetMessageOptions = {}): Promise<void> {
    const link = this.#link;
    const codec = link?.codec ?? this.#codec;
    if (this.#ended || codec === undefined) {
      return Promise.reject(new BadConnError(`cannot send to ${this.#describePeer()}: the connection is closed and its session has ended`));
    }
    const unknown = this.#refuseUnknown(object);
    if (unknown !== undefined) return Promise.reject(unknown);
    let frame: Buffer;
    try {
      frame = encodeMessageFrame(codec, FrameKind.Message, new NetMessage(object, options), this.#maxFrameBytes, seqBytes(this.#nextSeq));
    } catch (err) {
      return Promise.reject(err);
    }
    // Bounded connected or not: a peer that never acknowledges cannot make this side hold more.
    if (this.#bufferedBytes + frame.length > this.#maxBufferedBytes) {
      const held = this.#bufferedBytes;
      const why =
        link === undefined
          ? `not connected to ${this.#describePeer()}, and ${held} bytes already wait to be sent`
          : `${this.#describePeer()} has not acknowledged ${held} bytes sent to it`;
      return Promise.reject(
        new BadConnError(`${why}: this message would pass maxBufferedBytes (${this.#maxBufferedBytes}). Wait (for the reconnect, or the acks), or raise maxBufferedBytes`),
      );
    }
    this.#outgoing.push({ seq: this.#nextSeq++, frame, codec, written: link !== undefined });
    this.#bufferedBytes += frame.length;
    this.stats.sent += 1;
    // A failed write loses nothing: the message stays until acknowledged and is resent on the next link.
    return link === undefined ? Promise.resolve() : link.write(frame).catch(() => {});
  }

  /**
   * Runs the session over a new link: forgets what the peer says it received, and
   * resends the rest in order. Throws `BadData` if the peer claims more than was sent.
   */
  attach(link: SessionLink, peerReceived: number): void {
    this.#link = link;
    this.#codec = link.codec;
    this.#maxFrameBytes = link.maxFrameBytes;
    this.#refuseUnknown = (object) => link.refuseUnknown(object);
    this.#peer = link.describePeer();
    this.acknowledge(peerReceived);
    for (let i = this.#head; i < this.#outgoing.length; i++) {
      const entry = this.#outgoing[i] as Outgoing;
      if (entry.codec.name !== link.codec.name) this.#reencode(entry, link.codec);
      if (entry.written) this.stats.resent += 1;
      entry.written = true;
      link.write(entry.frame).catch(() => {});
    }
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
    this.#outgoing = this.#outgoing.slice(this.#head);
    this.#head = 0;
    let seq = 1;
    for (const entry of this.#outgoing) {
      entry.seq = seq++;
      writeSeq(entry.frame, FRAME_HEADER_BYTES, entry.seq);
    }
    this.#nextSeq = seq;
  }

  /**
   * Checks an incoming message's seq: true to deliver it (it is next), false for a
   * duplicate (dropped and counted). A gap is `BadData`: the peer is out of step.
   */
  accept(seq: number): boolean {
    if (seq <= this.#received) {
      this.stats.duplicates += 1;
      return false;
    }
    if (seq !== this.#received + 1) {
      throw new BadDataError(`${this.#describePeer()} sent message #${seq} after #${this.#received}: the messages between are missing`);
    }
    this.#received = seq;
    this.stats.received += 1;
    this.#ackLater();
    return true;
  }

  /** The peer received everything up to `seq`: forget it. Throws `BadData` for a seq never sent. */
  acknowledge(seq: number): void {
    if (seq >= this.#nextSeq) {
      throw new BadDataError(`${this.#describePeer()} acknowledged message #${seq}, but only ${this.#nextSeq - 1} were sent in session ${this.#id}`);
    }
    while (this.#head < this.#outgoing.length && (this.#outgoing[this.#head] as Outgoing).seq <= seq) {
      this.#bufferedBytes -= (this.#outgoing[this.#head] as Outgoing).frame.length;
      this.#head += 1;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#outgoing.length) {
      this.#outgoing = this.#outgoing.slice(this.#head);
      this.#head = 0;
    }
    if (this.unacknowledged === 0) this.#drainWaiters.splice(0).forEach((wake) => wake());
  }

  /** Sends the pending Ack now (before a deliberate close, so the peer forgets what arrived). */
  flushAck(): void {
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    if (this.#unackedIn === 0 || this.#link === undefined) return;
    this.#unackedIn = 0;
    this.#link.write(encodeFrame(FrameKind.Ack, seqBytes(this.#received))).catch(() => {});
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
   * counted as lost), and finishes the inbox (`error` makes readers fail with it).
   */
  end(error?: BadConnError): number {
    if (this.#ended) return 0;
    this.#ended = true;
    if (this.#link !== undefined) this.detach(this.#link);
    const lost = this.unacknowledged;
    this.stats.lost += lost;
    this.#outgoing = [];
    this.#head = 0;
    this.#bufferedBytes = 0;
    this.#drainWaiters.splice(0).forEach((wake) => wake());
    if (error === undefined) this.inbox.finish();
    else this.inbox.end(error);
    return lost;
  }

  #ackLater(): void {
    this.#unackedIn += 1;
    if (this.#unackedIn >= ACK_EVERY) this.flushAck();
    else this.#ackTimer ??= setTimeout(() => this.flushAck(), ACK_DELAY);
  }

  #reencode(entry: Outgoing, codec: Codec): void {
    const message = entry.codec.decode(entry.frame.subarray(FRAME_HEADER_BYTES + SEQ_BYTES));
    const frame = encodeMessageFrame(codec, FrameKind.Message, new NetMessage(message.object, { uuid: message.uuid }), this.#maxFrameBytes, seqBytes(entry.seq));
    this.#bufferedBytes += frame.length - entry.frame.length;
    entry.frame = frame;
    entry.codec = codec;
  }

  #describePeer(): string {
    return this.#link?.describePeer() ?? this.#peer;
  }
}

/** A seq as 8 bytes, u64 BE (seqs stay below 2^53, so a number holds them). */
export function seqBytes(seq: number): Buffer {
  const bytes = Buffer.allocUnsafe(SEQ_BYTES);
  writeSeq(bytes, 0, seq);
  return bytes;
}

function writeSeq(buffer: Buffer, offset: number, seq: number): void {
  buffer.writeUInt32BE(Math.floor(seq / 0x1_0000_0000), offset);
  buffer.writeUInt32BE(seq >>> 0, offset + 4);
}

/**
 * Reads the u64 BE seq at the start of the payload `payload[start, end)` (all of it by
 * default: a received message is read where it lies in its chunk); `BadData` if it is
 * too short or past 2^53.
 */
export function readSeq(payload: Buffer, what: string, start = 0, end = payload.length): number {
  if (end - start < SEQ_BYTES) throw new BadDataError(`${what} frame of ${end - start} bytes is too short for its sequence number`);
  const high = payload.readUInt32BE(start);
  if (high >= 0x20_0000) throw new BadDataError(`${what} frame's sequence number is past 2^53`);
  return high * 0x1_0000_0000 + payload.readUInt32BE(start + 4);
}
