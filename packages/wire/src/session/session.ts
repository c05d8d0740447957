import { BadConnError, BadDataError, type NetMessageOptions, type OonError } from '@oon/core';
import { Message } from '../codec/message-class';
import type { Codec, FrameCodec } from '../codec/codec';
import { decodeOwn, mustReencode, withMessageId } from '../codec/binary/binary-codec';
import { FRAME_HEADER_BYTES, FRAME_LENGTH_BYTES, FrameKind } from '../framing/constants';
import { encodeFrame } from '../framing/frame-encoder';
import { Inbox } from '../connection/inbox';
import { overMaxFrameBytes } from '../framing/message-frame';
import { OutgoingLog } from './outgoing-log';
import type { RunSource, RunWriter } from '../framing/frame-writer';
import type { WaitGroup } from './wait-group';
import { readSeq, seqBytes, SEQ_BYTES } from './seq';
import { AckSchedule } from './ack-schedule';
import { KnownClass, NOTHING_REFUSED } from '../connection/known-class';
import { NestedSends } from './nested-sends';
import { sendWindow, type DeliveryStats, type SessionLink, type SessionOptions } from './session-options';
import { quietly, settle, type SendOutcome } from '../connection/send-outcome';
import { toOonError } from '../rpc/error-report';
import { isRefusal, type PayloadKey, type SharedMessage } from '../codec/shared-message';
import { randomUuid } from '../platform/crypto';
import { readU32BE, utf8Length } from '../platform/bytes';

export { DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_RESUME_WINDOW } from './session-options';
export type { DeliveryStats, SessionBinding, SessionHello, SessionLink, SessionOptions } from './session-options';

/** What a send that need not wait returns: one promise for all of them. */
const RESOLVED = Promise.resolve();
/** The source of a session with no link: nothing to pull. */
const NO_SOURCE: RunSource = { pullRuns: () => {} };

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
  #codec: FrameCodec | undefined;
  /** The last link's payload key, for what is sent while detached (encoded with `#codec`). */
  #payloadKey: PayloadKey = '';
  #maxFrameBytes = 0;
  /** The last link's check of the peer's classes (skipped for the class last sent): what is sent while detached goes to the same peer. */
  #classes = new KnownClass<BadDataError>(NOTHING_REFUSED);
  /** What was sent and not acknowledged, and what waits to be written, encoded with `#codec`. */
  readonly #outgoing: OutgoingLog;
  /** Sends made while a message of this session was being encoded (a getter that sends): they follow it. */
  readonly #nested = new NestedSends();
  #received = 0;
  readonly #acks = new AckSchedule(() => this.#sendAck());
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
  /** What the current link pulls the log's frames from; made per link, so a link that dropped pulls nothing. */
  #source: RunSource = NO_SOURCE;
  /** The current link knows the log has frames for it and has not pulled them yet: a message taken for it need not tell it again. */
  #told = false;

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
    return this.#offer(object, options, undefined);
  }

  /** {@link Session.offer} of a message sent to many peers: its payload is the one encoded for this link's key, shared. */
  offerShared(shared: SharedMessage): SendOutcome {
    return this.#offer(shared.message.object, undefined, shared);
  }

  /**
   * Numbers and keeps a message, encoded straight into the log behind its seq (or, sent
   * to many, its shared payload copied there), then writes it if the window has room.
   */
  #offer(object: object, options: NetMessageOptions | undefined, shared: SharedMessage | undefined): SendOutcome {
    const codec = this.#link?.codec ?? this.#codec;
    if (this.#ended || codec === undefined) {
      return new BadConnError(`cannot send to ${this.#describePeer()}: the connection is closed and its session has ended`);
    }
    const unknown = this.#classes.refusal(object);
    if (unknown !== undefined) return unknown;
    if (this.#outgoing.frameOpen) return this.#offerNested(codec, object, options, shared);
    const outgoing = this.#outgoing;
    const out = outgoing.beginFrame();
    try {
      if (shared === undefined) codec.encodeObjectInto(object, options, out);
      else {
        const payload = shared.payloadFor(this.#currentPayloadKey, codec);
        if (isRefusal(payload)) throw payload;
        out.copy(payload);
      }
      this.#checkFrameBytes(outgoing.openFrameBytes);
    } catch (err) {
      outgoing.abandon();
      this.#sendNested();
      return toOonError(err);
    }
    this.#classes.sent(object);
    const outcome = this.#keep(outgoing.openFrameBytes);
    this.#sendNested();
    return outcome;
  }

  /**
   * The frame being encoded (`frameBytes`) is whole: keeps it if the link admits it (or,
   * detached, the window holds it), and writes it now if the window has room.
   */
  #keep(frameBytes: number): SendOutcome {
    const link = this.#link;
    const outgoing = this.#outgoing;
    const refused = link === undefined ? this.#refuseDetached(frameBytes) : link.admit(frameBytes);
    if (refused !== undefined) {
      outgoing.abandon();
      return refused;
    }
    // Behind a message that waits, or past the window: wait too, so order is kept.
    const now = link !== undefined && outgoing.caughtUp && outgoing.fits(frameBytes);
    outgoing.commit();
    this.stats.sent += 1;
    if (link === undefined) return RESOLVED;
    if (!now) return outgoing.wait();
    const pullNow = outgoing.take(frameBytes);
    const written = this.#told ? this.#lastWritten : this.#tell(link);
    if (pullNow) link.pullNow();
    return written;
  }

  /**
   * A send made while a message of this session is being encoded (a getter that sends):
   * encoded now on its own, kept once that message is done, so it follows it.
   */
  #offerNested(codec: FrameCodec, object: object, options: NetMessageOptions | undefined, shared: SharedMessage | undefined): SendOutcome {
    let payload: string | Uint8Array | OonError;
    try {
      payload = shared === undefined ? codec.encode(new Message(object, options)) : shared.payloadFor(this.#currentPayloadKey, codec);
    } catch (err) {
      return toOonError(err);
    }
    if (typeof payload !== 'string' && isRefusal(payload)) return payload;
    return quietly(this.#nested.add(payload));
  }

  /** Keeps, in order, the sends made while the last message was encoded. */
  #sendNested(): void {
    if (this.#nested.empty) return;
    this.#nested.drain((payload) => {
      let frameBytes: number;
      try {
        frameBytes = OutgoingLog.frameBytes(typeof payload === 'string' ? utf8Length(payload) : payload.length);
        this.#checkFrameBytes(frameBytes);
      } catch (err) {
        return toOonError(err);
      }
      const out = this.#outgoing.beginFrame();
      if (typeof payload === 'string') out.utf8(payload);
      else out.copy(payload);
      return this.#keep(frameBytes);
    });
  }

  /** The payload key of the link the log is encoded for. */
  get #currentPayloadKey(): PayloadKey {
    return this.#link?.payloadKey ?? this.#payloadKey;
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
   * Runs the session over a new link: forgets what the peer says it received, writes the rest in
   * order, as much as the window holds (the peer's acks admit the rest), and acknowledges by the
   * peer's window (`peerWindow`, if announced). Throws `BadData` if the peer claims more than was sent.
   */
  attach(link: SessionLink, peerReceived: number, peerWindow?: number): void {
    const previous = this.#codec;
    this.#acks.forPeerWindow(peerWindow);
    this.#link = link;
    this.#source = { pullRuns: (write) => this.#pullRuns(link, write) };
    this.#told = false;
    this.#maxFrameBytes = link.maxFrameBytes;
    this.#classes = new KnownClass(link);
    this.#peer = link.describePeer();
    this.#outgoing.rewind();
    this.#acknowledge(peerReceived);
    // `#codec` is what the log is encoded with: it changes only once the log is re-encoded
    // (all or nothing), so a link that fails it leaves the log as the next link expects.
    if (previous !== undefined && mustReencode(previous, link.codec)) this.#reencode(previous, link.codec);
    this.#codec = link.codec;
    this.#payloadKey = link.payloadKey;
    this.#pump(link);
    if (this.#paused) link.pause();
  }

  /** The link is gone; messages are held until the next {@link Session.attach}. */
  detach(link: SessionLink): void {
    if (this.#link !== link) return;
    this.#link = undefined;
    this.#source = NO_SOURCE;
    this.#told = false;
    // What the link did not pull, it will not: the next link writes it again.
    this.#outgoing.forgetTaken();
    this.#acks.stop();
  }

  /**
   * The peer's side of the session is gone (a restarted server): start a new one under
   * `id`. What was not acknowledged is renumbered from 1 and resent on attach; the
   * peer may have received some of it already, and will see those twice.
   */
  restart(id: string): void {
    // A kept message sent without an id was known to the old peer as `<old id>:<seq>`
    // (docs/protocol.md, "Message ids"): it keeps that id in the new session, so a
    // receiver that de-duplicates by uuid across the restart still can.
    const old = this.#id;
    this.#outgoing.reencode((payload, seq) => withMessageId(payload, `${old}:${seq}`));
    this.#id = id;
    this.#received = 0;
    this.#acks.sent();
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
    if (seq !== this.#received + 1 || this.#rebase) return this.#acceptOutOfStep(seq, bytes);
    this.#receiveNext(seq, bytes);
    return true;
  }

  /**
   * {@link Session.accept} of a Message frame, `buf[start, end)` where it lies in a received
   * chunk, its payload behind its seq, as `link` received it: returns the seq, or -1 for a
   * message not to deliver: a duplicate, or one out of step (a gap, a seq that cannot be
   * read), which also fails `link` with `BadData`.
   */
  acceptFrame(buf: Uint8Array, start: number, end: number, link: SessionLink): number {
    // Run for every message, so the usual case is checked here in few bytecodes (V8 inlines
    // a call chain only up to a budget of them): the next seq, below 2^32.
    const seq = this.#received + 1;
    // The frame has its 8 seq bytes, the first four 0 (the seq is below 2^32) and the last four the next seq.
    if (end - start >= SEQ_BYTES && ((buf[start] as number) | (buf[start + 1] as number) | (buf[start + 2] as number) | (buf[start + 3] as number)) === 0 && readU32BE(buf, start + 4) === seq && !this.#rebase) {
      // The whole frame counts towards the next Ack, as the sender's window counts it.
      this.#receiveNext(seq, end - start + FRAME_HEADER_BYTES);
      return seq;
    }
    return this.#acceptFrameOutOfStep(buf, start, end, link);
  }

  /** {@link Session.acceptFrame} of any other seq (a duplicate, a gap, one past 2^32, the first after a takeover). */
  #acceptFrameOutOfStep(buf: Uint8Array, start: number, end: number, link: SessionLink): number {
    try {
      const seq = readSeq(buf, 'message', start, end);
      return this.accept(seq, end - start + FRAME_HEADER_BYTES) ? seq : -1;
    } catch (err) {
      // The stream itself cannot be trusted.
      link.fail(toOonError(err));
      return -1;
    }
  }

  /** The next message arrived: it is received, and acknowledged in time. */
  #receiveNext(seq: number, bytes: number): void {
    this.#received = seq;
    this.stats.received += 1;
    this.#acks.received(bytes);
  }

  /** {@link Session.accept} of a seq that is not the next one, or the first after a takeover. */
  #acceptOutOfStep(seq: number, bytes: number): boolean {
    if (seq <= this.#received) {
      this.stats.duplicates += 1;
      return false;
    }
    if (!this.#rebase) {
      throw new BadDataError(`${this.#describePeer()} sent message #${seq} after #${this.#received}: the messages between are missing`);
    }
    this.#rebase = false;
    this.#receiveNext(seq, bytes);
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
    this.#acks.stop();
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
   * Writes an Ack for what arrived, unless the inbox is full (`force` aside, for a deliberate
   * close). Holding Acks while the app does not read bounds a reader that cannot stop reading its
   * transport (a browser's WebSocket): the peer's window fills and its sends wait, as a paused socket's.
   */
  #sendAck(force = false): void {
    if (!this.#acks.pending || this.#link === undefined || (this.#paused && !force)) return;
    this.#acks.sent();
    this.#link.writeControl(encodeFrame(FrameKind.Ack, seqBytes(this.#received)));
  }

  /**
   * Tells `link` the log has frames for it; returns the promise of the write they go in,
   * which resolves when it is handed to the OS, or when the write failed: that loses
   * nothing, the messages stay until acknowledged and are resent on the next link.
   */
  #tell(link: SessionLink): Promise<void> {
    // Before: a link in the middle of a frame pulls at once, and the next message tells it again.
    this.#told = true;
    const write = link.writeLater(this.#source);
    if (write !== this.#lastWrite) {
      this.#lastWrite = write;
      this.#lastWritten = write.catch(() => {});
    }
    return this.#lastWritten;
  }

  /** `link` pulls what was taken for it: the frames since its last pull, in runs. */
  #pullRuns(link: SessionLink, write: RunWriter): void {
    if (link !== this.#link) return;
    this.#told = false;
    this.#outgoing.pull(write);
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

  /** Writes to the link, in order, what waits for it and fits in the window; settles the sends that waited. */
  #pump(link: SessionLink): void {
    const settled: WaitGroup[] = [];
    const outgoing = this.#outgoing;
    this.stats.resent += outgoing.pump(settled);
    if (outgoing.waitingBytes > 0) {
      if (!this.#told) this.#tell(link);
      if (outgoing.pullDue) link.pullNow();
    }
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

  /** A frame of `frameBytes` over the link's `maxFrameBytes` is `BadData`, and nothing is kept. */
  #checkFrameBytes(frameBytes: number): void {
    // What the peer's decoder measures against its limit: the frame without its length prefix.
    const size = frameBytes - FRAME_LENGTH_BYTES;
    if (size > this.#maxFrameBytes) throw overMaxFrameBytes(size, this.#maxFrameBytes);
  }

  /** The new link agreed on another codec, or does not read the class numbers the log was written by: every message kept is encoded again for it (throws `BadData` if one cannot be). */
  #reencode(from: Codec, to: Codec): void {
    this.#outgoing.reencode((payload) => {
      const message = decodeOwn(from, payload);
      const id = message.uuidIfSet;
      const encoded = to.encode(new Message(message.object, id === undefined ? {} : { uuid: id }));
      this.#checkFrameBytes(OutgoingLog.frameBytes(typeof encoded === 'string' ? utf8Length(encoded) : encoded.length));
      return encoded;
    });
  }

  #describePeer(): string {
    return this.#link?.describePeer() ?? this.#peer;
  }
}
