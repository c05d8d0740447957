import { BadConnError, BadDataError, type NetMessageOptions, type OonError } from '@oon/core';
import { Message } from '../codec/message-class';
import type { Codec, FrameCodec } from '../codec/codec';
import { decodeOwn, mustReencode, withMessageId } from '../codec/binary/binary-codec';
import { FRAME_LENGTH_BYTES } from '../framing/constants';
import { overMaxFrameBytes } from '../framing/message-frame';
import type { RunSource, RunWriter } from '../framing/frame-writer';
import { KnownClass, NOTHING_REFUSED } from '../connection/known-class';
import { quietly, type SendOutcome } from '../connection/send-outcome';
import { toOonError } from '../rpc/error-report';
import { isRefusal, type PayloadKey, type SharedMessage } from '../codec/shared-message';
import { utf8Length } from '../platform/bytes';
import { OutgoingLog } from './outgoing-log';
import { NestedSends } from './nested-sends';
import type { WaitGroup } from './wait-group';
import { SEQ_BYTES } from './seq';
import type { DeliveryStats, SessionContext, SessionLink } from './session-options';

/** What a send that need not wait returns: one promise for all of them. */
const RESOLVED = Promise.resolve();
/** The source of a session with no link: nothing to pull. */
const NO_SOURCE: RunSource = { pullRuns: () => {} };

/**
 * The send side of a `Session`: numbers, encodes and keeps each message in its
 * {@link OutgoingLog} until the peer acknowledges it, writes what the send window
 * (`maxBufferedBytes`) has room for, and makes the rest wait for the peer's acks. It tells
 * the link once that the log has frames for it, and the link pulls them where they lie.
 * A new link gets everything unacknowledged again, re-encoded if it agreed on another codec.
 */
export class SessionSender {
  readonly #session: SessionContext;
  readonly #stats: DeliveryStats;
  /** The send window: `maxBufferedBytes`, at most half of `maxPendingBytes`. */
  readonly #window: number;
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
  #ended = false;
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

  /** `session` names the session and its peer; `stats` are its figures, shared with its receive side; `window` is the send window. */
  constructor(session: SessionContext, stats: DeliveryStats, window: number) {
    this.#session = session;
    this.#stats = stats;
    this.#window = window;
    this.#outgoing = new OutgoingLog(window);
  }

  /** The send window in bytes. */
  get window(): number {
    return this.#window;
  }

  /** True once the session ended: sends are refused, nothing is resent. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The seq of the last message given to `offer()` (0 before the first). */
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

  /** Bytes of messages written to `link` and not yet acknowledged (see `Session.inFlightBytes`). */
  inFlightBytes(link: SessionLink): number {
    return link === this.#link ? this.#outgoing.flightBytes : 0;
  }

  /** Bytes of every message not yet acknowledged, while `link` carries the session (see `Session.heldBytes`). */
  heldBytes(link: SessionLink): number {
    return link === this.#link ? this.#outgoing.heldBytes : 0;
  }

  /**
   * `Session.offer`: numbers and keeps a message, encoded straight into the log
   * behind its seq (or, sent to many, its `shared` payload copied there), then writes it
   * if the window has room.
   */
  offer(object: object, options: NetMessageOptions | undefined, shared: SharedMessage | undefined): SendOutcome {
    const codec = this.#link?.codec ?? this.#codec;
    if (this.#ended || codec === undefined) {
      return new BadConnError(`cannot send to ${this.#session.describePeer()}: the connection is closed and its session has ended`);
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
   * Sends over a new link: forgets what the peer says it received (`peerReceived`), and
   * writes the rest in order, as much as the window holds, as NextMessage frames but for
   * the link's first, if the peer reads them (`peerNext`). Throws `BadData` if the peer
   * claims more than was sent, or a kept message cannot be re-encoded for the link's codec.
   */
  attach(link: SessionLink, peerReceived: number, peerNext: boolean): void {
    const previous = this.#codec;
    this.#link = link;
    this.#source = { pullRuns: (write) => this.#pullRuns(link, write) };
    this.#told = false;
    this.#maxFrameBytes = link.maxFrameBytes;
    this.#classes = new KnownClass(link);
    this.#outgoing.rewind(peerNext);
    this.#acknowledge(peerReceived);
    // `#codec` is what the log is encoded with: it changes only once the log is re-encoded
    // (all or nothing), so a link that fails it leaves the log as the next link expects.
    if (previous !== undefined && mustReencode(previous, link.codec)) this.#reencode(previous, link.codec);
    this.#codec = link.codec;
    this.#payloadKey = link.payloadKey;
    this.#pump(link);
  }

  /** The link is gone; messages are held until the next. */
  detach(): void {
    this.#link = undefined;
    this.#source = NO_SOURCE;
    this.#told = false;
    // What the link did not pull, it will not: the next link writes it again.
    this.#outgoing.forgetTaken();
  }

  /**
   * A new session on the peer's side (`Session.restart`): what is kept is renumbered
   * from 1. A kept message sent without an id was known to the old peer as
   * `<old id>:<seq>` (docs/protocol.md, "Message ids"): it keeps that id in the new
   * session, so a receiver that de-duplicates by uuid across the restart still can.
   */
  restart(oldId: string): void {
    this.#outgoing.reencode((payload, seq) => withMessageId(payload, `${oldId}:${seq}`));
    this.#outgoing.renumber();
  }

  /** Continues a session another process numbered (`Session.continueFrom`): the next message gets `seq`. */
  startAt(seq: number): void {
    this.#outgoing.startAt(seq);
  }

  /**
   * The peer received everything up to `seq`: forget it, and write what now fits in the
   * window. Throws `BadData` for a seq never written.
   */
  acknowledge(seq: number): void {
    this.#acknowledge(seq);
    if (this.#link !== undefined) this.#pump(this.#link);
  }

  /** Resolves once the peer has acknowledged everything sent so far (or the session ends). */
  drained(): Promise<void> {
    if (this.unacknowledged === 0 || this.#ended) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /**
   * Ends sending for good (detached): returns how many messages were never acknowledged,
   * now counted as lost; the sends of those still waiting to be written reject with
   * `BadConn` (with `cause`, if given).
   */
  end(cause: BadConnError | undefined): number {
    this.#ended = true;
    const { lost, waiting } = this.#outgoing.clear();
    this.#stats.lost += lost;
    this.#failWaiters(waiting, lost, cause);
    this.#drainWaiters.splice(0).forEach((wake) => wake());
    return lost;
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
    this.#stats.sent += 1;
    if (link === undefined) return RESOLVED;
    if (!now) return outgoing.wait();
    return this.#handTo(link, outgoing.take(frameBytes));
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
      `not connected to ${this.#session.describePeer()}, and ${held} bytes already wait to be sent: this message would pass the send window (${this.#window}: maxBufferedBytes, at most half of maxPendingBytes). Wait for the reconnect, or raise maxBufferedBytes`,
    );
  }

  /**
   * The log has frames taken for `link`: tells the link so, unless it was told since it
   * last pulled, and asks it to pull at once if that is due (`pullDue`). Returns the
   * promise of the write they go in, which resolves when it is handed to the OS, or when
   * the write failed: that loses nothing, the messages stay until acknowledged and are
   * resent on the next link.
   */
  #handTo(link: SessionLink, pullDue: boolean): Promise<void> {
    if (!this.#told) {
      // Before: a link in the middle of a frame pulls at once, and the next message tells it again.
      this.#told = true;
      const write = link.writeLater(this.#source);
      if (write !== this.#lastWrite) {
        this.#lastWrite = write;
        this.#lastWritten = write.catch(() => {});
      }
    }
    if (pullDue) link.pullNow();
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
      throw new BadDataError(`${this.#session.describePeer()} acknowledged message #${seq}, but only ${queue.highestWritten} were sent in session ${this.#session.id}`);
    }
    queue.acknowledge(seq);
    if (queue.length === 0) this.#drainWaiters.splice(0).forEach((wake) => wake());
  }

  /** Writes to the link, in order, what waits for it and fits in the window; settles the sends that waited. */
  #pump(link: SessionLink): void {
    const settled: WaitGroup[] = [];
    const outgoing = this.#outgoing;
    this.#stats.resent += outgoing.pump(settled);
    if (outgoing.waitingBytes > 0) this.#handTo(link, outgoing.pullDue);
    // Writes are handed to the OS in order: once the last is, so are all before it.
    if (settled.length > 0) void this.#lastWritten.then(() => settled.forEach((group) => group.resolve()));
  }

  /** The session ended with messages still waiting to be written: their sends fail. */
  #failWaiters(waiting: WaitGroup[], lost: number, cause: BadConnError | undefined): void {
    if (waiting.length === 0) return;
    const failure = new BadConnError(
      `the session with ${this.#session.describePeer()} ended before this message was written: it waited for acks of earlier messages (send window ${this.#window}); ${lost} messages were not acknowledged`,
      cause === undefined ? undefined : { cause },
    );
    for (const group of waiting) group.reject(failure);
  }

  /** A frame of `frameBytes` (as kept) over the link's `maxFrameBytes` is `BadData`, and nothing is kept. */
  #checkFrameBytes(frameBytes: number): void {
    // What the peer's decoder measures against its limit: the frame without its length
    // prefix, as a Message with its seq (a link's first message goes so, and to an older peer every one).
    const size = frameBytes + SEQ_BYTES - FRAME_LENGTH_BYTES;
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
}
