import { BadDataError } from '@oon/core';
import { FRAME_HEADER_BYTES, FrameKind } from '../framing/constants';
import { encodeFrame } from '../framing/frame-encoder';
import { toOonError } from '../rpc/error-report';
import { readU32BE } from '../platform/bytes';
import { AckSchedule } from './ack-schedule';
import { readSeq, seqBytes, SEQ_BYTES } from './seq';
import type { DeliveryStats, SessionContext, SessionLink } from './session-options';

/**
 * The receive side of a `Session`: checks the seq of each message the peer sends
 * (the next one is delivered, one seen before is dropped, a gap fails the link), and
 * acknowledges what arrived ({@link AckSchedule}), holding Acks while the inbox is full.
 *
 * A link's `SessionCarrier` calls {@link SessionReceiver.acceptNext} and
 * {@link SessionReceiver.acceptFrame} for every message, not through the `Session`: a call
 * more on that path takes it past V8's inlining budget (docs/benchmarks.md).
 */
export class SessionReceiver {
  readonly #session: SessionContext;
  /** The session's figures, shared with its send side. Not a private field: one bytecode more to read, per message. */
  readonly stats: DeliveryStats;
  #link: SessionLink | undefined;
  #received = 0;
  readonly #acks = new AckSchedule(() => this.#sendAck());
  /** The session's inbox is full: Acks wait, so the peer's window fills and its sends wait. */
  #paused = false;
  /** Taken over from another process: the peer's first message sets where its seqs stand ({@link SessionReceiver.takeOver}). */
  #rebase = false;
  /**
   * The seq of the last message that arrived on the current link, duplicates included: a
   * NextMessage's is one more. -1 before the link's first, which carries its seq.
   */
  #linkSeq = -1;

  /** `session` names the session and its peer; `stats` are its figures, shared with its send side. */
  constructor(session: SessionContext, stats: DeliveryStats) {
    this.#session = session;
    this.stats = stats;
  }

  /** The last seq received in order. */
  get received(): number {
    return this.#received;
  }

  /** True while the session's inbox is full (the link is paused). */
  get paused(): boolean {
    return this.#paused;
  }

  /** Receives over a new link; acknowledges by the peer's window (`peerWindow`, if announced). */
  attach(link: SessionLink, peerWindow: number | undefined): void {
    this.#acks.forPeerWindow(peerWindow);
    this.#link = link;
    this.#linkSeq = -1;
  }

  /** The link is gone: no Ack until the next. */
  detach(): void {
    this.#link = undefined;
    this.#acks.stop();
  }

  /** A new session on the peer's side (`Session.restart`): nothing is received yet. */
  restart(): void {
    this.#received = 0;
    this.#acks.sent();
  }

  /** Taken over from another process (`Session.continueFrom`): the peer's first message is next, whatever its seq. */
  takeOver(): void {
    this.#rebase = true;
  }

  /** The inbox is full: stop reading, and hold Acks. */
  pause(): void {
    this.#paused = true;
    this.#link?.pause();
  }

  /** The inbox has room again: read on, and acknowledge what arrived. */
  resume(): void {
    this.#paused = false;
    this.#link?.resume();
    this.#sendAck();
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
   * {@link SessionReceiver.accept} of a Message frame, `buf[start, end)` where it lies in a received
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
      this.#linkSeq = seq;
      // The whole frame counts towards the next Ack, as the sender's window counts it.
      this.#receiveNext(seq, end - start + FRAME_HEADER_BYTES);
      return seq;
    }
    return this.#acceptFrameOutOfStep(buf, start, end, link);
  }

  /**
   * {@link SessionReceiver.acceptFrame} of a NextMessage frame (its payload of `payloadBytes`), as
   * `link` received it: its seq is one past the last message's on the link. -1 for a
   * duplicate, or for one first on the link, which fails `link` with `BadData`.
   */
  acceptNext(payloadBytes: number, link: SessionLink): number {
    // Run for every message. Before the link's first numbered message `#linkSeq` is -1, so this is 0: never next.
    const seq = this.#linkSeq + 1;
    if (seq === this.#received + 1) {
      this.#linkSeq = seq;
      this.#receiveNext(seq, payloadBytes + FRAME_HEADER_BYTES);
      return seq;
    }
    return this.#acceptNextOutOfStep(seq, link);
  }

  /** Sends the pending Ack now (before a deliberate close, so the peer forgets what arrived). */
  flushAck(): void {
    this.#acks.stop();
    this.#sendAck(true);
  }

  /** {@link SessionReceiver.acceptNext} of a duplicate (the link's messages resent from before what arrived), or of one first on its link. */
  #acceptNextOutOfStep(seq: number, link: SessionLink): number {
    if (seq === 0) {
      link.fail(new BadDataError(`${this.#session.describePeer()} sent a NextMessage frame as its first message on this connection, where a Message frame with its seq must come first`));
      return -1;
    }
    this.#linkSeq = seq;
    this.stats.duplicates += 1;
    return -1;
  }

  /** {@link SessionReceiver.acceptFrame} of any other seq (a duplicate, a gap, one past 2^32, the first after a takeover). */
  #acceptFrameOutOfStep(buf: Uint8Array, start: number, end: number, link: SessionLink): number {
    try {
      const seq = readSeq(buf, 'message', start, end);
      const accepted = this.accept(seq, end - start + FRAME_HEADER_BYTES);
      this.#linkSeq = seq;
      return accepted ? seq : -1;
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

  /** {@link SessionReceiver.accept} of a seq that is not the next one, or the first after a takeover. */
  #acceptOutOfStep(seq: number, bytes: number): boolean {
    if (seq <= this.#received) {
      this.stats.duplicates += 1;
      return false;
    }
    if (!this.#rebase) {
      throw new BadDataError(`${this.#session.describePeer()} sent message #${seq} after #${this.#received}: the messages between are missing`);
    }
    this.#rebase = false;
    this.#receiveNext(seq, bytes);
    return true;
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
}
