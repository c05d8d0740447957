import { randomUUID } from 'node:crypto';
import { BadConnError, BadDataError, NetMessage, type NetMessageOptions } from '@oon/core';
import type { Codec } from './codec';
import { FRAME_HEADER_BYTES, FrameKind } from './constants';
import { encodeFrame } from './frame-encoder';
import { Inbox } from './inbox';
import { encodeMessageFrame } from './message-frame';
import { OutgoingQueue, type Outgoing, type Waiter } from './outgoing-queue';

/** Bytes of the sequence number in front of a session's message payload (u64 BE). */
export const SEQ_BYTES = 8;

/** Milliseconds a server keeps a dropped client's session for it to resume. @default 120000 (2 min) */
export const DEFAULT_RESUME_WINDOW = 120_000;

/**
 * Bytes of messages a session may have sent and not had acknowledged: connected, a send
 * past it waits for the peer's acks; disconnected, it rejects. @default 8 MiB
 */
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
  /** What was sent and not acknowledged, and what waits to be written. */
  readonly #outgoing: OutgoingQueue;
  #nextSeq = 1;
  #received = 0;
  #unackedIn = 0;
  #ackTimer: NodeJS.Timeout | undefined;
  #paused = false;
  #ended = false;
  #drainWaiters: Array<() => void> = [];
  /** The seq of the message being encoded; the frame copies it, so one buffer serves every send. */
  readonly #seqScratch = Buffer.alloc(SEQ_BYTES);
  /**
   * The last write's promise and the same with its failure ignored: the frames of one tick
   * share one write promise, so they share this one too (not one promise per message).
   */
  #lastWrite: Promise<void> | undefined;
  #lastWritten: Promise<void> = Promise.resolve();

  constructor(options: SessionOptions) {
    this.#id = options.id ?? randomUUID();
    this.#peer = options.peer;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.#outgoing = new OutgoingQueue(this.#maxBufferedBytes);
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

  /** Messages sent and not yet acknowledged by the peer, counting those that wait to be written. */
  get unacknowledged(): number {
    return this.#outgoing.length;
  }

  /**
   * Bytes of this session's messages written to `link` and not yet acknowledged: what
   * the link's socket may hold of them. The connection's outbox allows for them on top
   * of `maxPendingBytes`, since the session already bounds them (docs/limits.md).
   */
  inFlightBytes(link: SessionLink): number {
    return link === this.#link ? this.#outgoing.flightBytes : 0;
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
   * handed to the OS), else after the earlier messages, as the peer's acks free
   * `maxBufferedBytes` (resolving when written; rejecting with `BadConn` if the session
   * ends first). Detached, it is held for the next link and resolves at once, up to
   * `maxBufferedBytes` held, past which this rejects with `BadConn`. Rejects with
   * `BadData` when the object cannot be encoded, or its class is one the peer's hello did
   * not list (nothing is kept then).
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
      writeSeq(this.#seqScratch, 0, this.#nextSeq);
      frame = encodeMessageFrame(codec, FrameKind.Message, new NetMessage(object, options), this.#maxFrameBytes, this.#seqScratch);
    } catch (err) {
      return Promise.reject(err);
    }
    const queue = this.#outgoing;
    // Detached nothing paces the sender: the bound is what keeps memory in check.
    if (link === undefined && queue.heldBytes + frame.length > this.#maxBufferedBytes) {
      return Promise.reject(
        new BadConnError(
          `not connected to ${this.#describePeer()}, and ${queue.heldBytes} bytes already wait to be sent: this message would pass maxBufferedBytes (${this.#maxBufferedBytes}). Wait for the reconnect, or raise maxBufferedBytes`,
        ),
      );
    }
    // Behind a message that waits, or past the window: wait too, so order is kept.
    const now = link !== undefined && queue.caughtUp && queue.fits(frame.length);
    const entry: Outgoing = { seq: this.#nextSeq++, frame, codec, written: false, waiter: undefined };
    queue.push(entry);
    this.stats.sent += 1;
    if (link === undefined) return Promise.resolve();
    if (!now) return new Promise((resolve, reject) => (entry.waiter = { resolve, reject }));
    queue.take();
    entry.written = true;
    return this.#write(link, frame);
  }

  /**
   * Runs the session over a new link: forgets what the peer says it received, and
   * writes the rest in order, as much as the window holds (the peer's acks admit the
   * rest). Throws `BadData` if the peer claims more than was sent.
   */
  attach(link: SessionLink, peerReceived: number): void {
    this.#link = link;
    this.#codec = link.codec;
    this.#maxFrameBytes = link.maxFrameBytes;
    this.#refuseUnknown = (object) => link.refuseUnknown(object);
    this.#peer = link.describePeer();
    this.#outgoing.rewind();
    this.acknowledge(peerReceived);
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
    this.#nextSeq = this.#outgoing.renumber((entry) => writeSeq(entry.frame, FRAME_HEADER_BYTES, entry.seq));
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

  /**
   * The peer received everything up to `seq`: forget it, and write what now fits in the
   * window. Throws `BadData` for a seq never written.
   */
  acknowledge(seq: number): void {
    const queue = this.#outgoing;
    if (seq > queue.highestWritten) {
      throw new BadDataError(`${this.#describePeer()} acknowledged message #${seq}, but only ${queue.highestWritten} were sent in session ${this.#id}`);
    }
    queue.acknowledge(seq);
    if (this.#link !== undefined) this.#pump(this.#link);
    if (queue.length === 0) this.#drainWaiters.splice(0).forEach((wake) => wake());
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
   * counted as lost; the sends of those still waiting to be written reject with
   * `BadConn`), and finishes the inbox (`error` makes readers fail with it).
   */
  end(error?: BadConnError): number {
    if (this.#ended) return 0;
    this.#ended = true;
    if (this.#link !== undefined) this.detach(this.#link);
    const left = this.#outgoing.clear();
    const lost = left.length;
    this.stats.lost += lost;
    this.#failWaiters(left, lost, error);
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

  /**
   * Writes a message frame; resolves when it is handed to the OS, or when the write
   * failed: that loses nothing, the message stays until acknowledged and is resent on
   * the next link.
   */
  #write(link: SessionLink, frame: Buffer): Promise<void> {
    const write = link.write(frame);
    if (write !== this.#lastWrite) {
      this.#lastWrite = write;
      this.#lastWritten = write.catch(() => {});
    }
    return this.#lastWritten;
  }

  /** Writes to `link`, in order, what waits for it and fits in the window; settles the sends that waited. */
  #pump(link: SessionLink): void {
    const queue = this.#outgoing;
    let waiters: Waiter[] | undefined;
    let written: Promise<void> | undefined;
    for (let entry = queue.peek(); entry !== undefined; entry = queue.peek()) {
      if (entry.codec.name !== link.codec.name) this.#reencode(entry, link.codec);
      if (!queue.fits(entry.frame.length)) break;
      queue.take();
      if (entry.written) this.stats.resent += 1;
      entry.written = true;
      written = this.#write(link, entry.frame);
      if (entry.waiter !== undefined) (waiters ??= []).push(entry.waiter);
      entry.waiter = undefined;
    }
    // Writes are handed to the OS in order: once the last is, so are all before it.
    if (waiters !== undefined) void written?.then(() => waiters.forEach((waiter) => waiter.resolve()));
  }

  /** The session ended with messages still waiting to be written: their sends fail. */
  #failWaiters(left: Outgoing[], lost: number, cause: BadConnError | undefined): void {
    let failure: BadConnError | undefined;
    for (const entry of left) {
      if (entry.waiter === undefined) continue;
      failure ??= new BadConnError(
        `the session with ${this.#describePeer()} ended before this message was written: it waited for acks of earlier messages (maxBufferedBytes ${this.#maxBufferedBytes}); ${lost} messages were not acknowledged`,
        cause === undefined ? undefined : { cause },
      );
      entry.waiter.reject(failure);
      entry.waiter = undefined;
    }
  }

  #reencode(entry: Outgoing, codec: Codec): void {
    const message = entry.codec.decode(entry.frame.subarray(FRAME_HEADER_BYTES + SEQ_BYTES));
    const frame = encodeMessageFrame(codec, FrameKind.Message, new NetMessage(message.object, { uuid: message.uuid }), this.#maxFrameBytes, seqBytes(entry.seq));
    this.#outgoing.replaceFrame(entry, frame);
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
