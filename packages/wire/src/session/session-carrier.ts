import { BadDataError, type OonError } from '@oon/core';
import type { FrameCodec } from '../codec/codec';
import type { PayloadKey } from '../codec/shared-message';
import { FrameKind } from '../framing/constants';
import { encodeFrame } from '../framing/frame-encoder';
import { readSeq } from './seq';
import type { HeldSession } from '../connection/outbox';
import type { RunSource } from '../framing/frame-writer';
import type { Session, SessionBinding, SessionLink } from './session';
import type { SessionReceiver } from './session-receiver';

/** What a {@link SessionCarrier} needs from its connection. */
export interface SessionCarrierIo {
  describePeer(): string;
  /**
   * The session's log has message frames for the connection: they are pulled from
   * `source` where they lie, in order with every other frame of the connection; resolves
   * when handed to the OS, rejects when the connection is not open. Not held against the
   * bound: the session counted them when they were sent.
   */
  writeMessagesLater(source: RunSource): Promise<void>;
  /** Pulls at once the frames a source told of. */
  pullMessages(): void;
  /** Writes a control frame (Ack, Close) through the connection's bound. */
  writeControl(frame: Uint8Array): void;
  /** Whether a new message of `bytes` may be held for the peer; if not, the peer was evicted and this is why. */
  admit(bytes: number): OonError | undefined;
  /** The `BadData` for an object whose class the peer's hello did not list; `undefined` to send it. */
  refuseUnknown(object: object): BadDataError | undefined;
  /** Stops reading while the session's inbox is full (the connection's read gate). */
  pause(): void;
  resume(): void;
  /** Drops the connection for a fault of the peer's stream (`BadData`). */
  fail(error: OonError): void;
}

/**
 * The session side of one connection (docs/reconnect.md): runs the {@link Session} the
 * handshake agreed on over it, strips and checks the seq of each incoming message, and
 * handles the Ack and Close frames. Without a session, messages pass unchanged and Ack
 * or Close frames are `BadData`.
 */
export class SessionCarrier implements HeldSession {
  readonly #io: SessionCarrierIo;
  #session: Session | undefined;
  /** The session's receive side, held here: every message goes to it straight, not through the session (a call more would take the receive path past V8's inlining budget). */
  #receiver: SessionReceiver | undefined;
  #link: SessionLink | undefined;
  #peerClosed = false;

  constructor(io: SessionCarrierIo) {
    this.#io = io;
  }

  /** The resumable session this connection carries, if the handshake set one up. */
  get session(): Session | undefined {
    return this.#session;
  }

  /**
   * Bytes of every message the session holds unacknowledged while this connection
   * carries it (0 without one): the connection's bound counts them (docs/limits.md).
   */
  get heldBytes(): number {
    return this.#link === undefined ? 0 : (this.#session?.heldBytes(this.#link) ?? 0);
  }

  /** Of {@link SessionCarrier.heldBytes}, those written over this connection (so perhaps still in its socket). */
  get inFlightBytes(): number {
    return this.#link === undefined ? 0 : (this.#session?.inFlightBytes(this.#link) ?? 0);
  }

  /** True once the peer closed on purpose (a Close frame): its session is over, not to be resumed. */
  get peerClosed(): boolean {
    return this.#peerClosed;
  }

  /**
   * Runs the session over this connection, resending what the peer has not received.
   * Throws `BadData` if the peer claims to have received more than was sent.
   */
  attach({ session, peerReceived, peerWindow, peerNext }: SessionBinding, codec: FrameCodec, maxFrameBytes: number, payloadKey: PayloadKey): void {
    const io = this.#io;
    this.#session = session;
    this.#receiver = session.receiver;
    this.#link = {
      codec,
      payloadKey,
      maxFrameBytes,
      describePeer: () => io.describePeer(),
      writeLater: (source) => io.writeMessagesLater(source),
      pullNow: () => io.pullMessages(),
      writeControl: (frame) => io.writeControl(frame),
      admit: (bytes) => io.admit(bytes),
      refuseUnknown: (object) => io.refuseUnknown(object),
      pause: () => io.pause(),
      resume: () => io.resume(),
      fail: (error) => io.fail(error),
    };
    session.attach(this.#link, peerReceived, peerWindow, peerNext);
  }

  /**
   * The seq of a Message frame (`kind`), `buf[start, end)`, whose payload is behind the seq
   * (8 bytes), or of a NextMessage frame, whose seq is one past the last message's on this
   * link: 0 for a Message without a session (the payload is the whole frame), or -1 for a
   * message not to deliver: one seen before (resent after a reconnect), or one out of step
   * (a seq that cannot be read, a gap, a NextMessage first on a link or without a session),
   * which drops the connection with `BadData`. A message it admits counts as received (it is
   * acknowledged and never resent), whether or not its payload then decodes.
   */
  acceptSeq(kind: number, buf: Uint8Array, start: number, end: number): number {
    const receiver = this.#receiver;
    if (receiver === undefined) return kind === FrameKind.Message ? 0 : this.#nextWithoutSession();
    const link = this.#link as SessionLink;
    return kind === FrameKind.NextMessage ? receiver.acceptNext(end - start, link) : receiver.acceptFrame(buf, start, end, link);
  }

  /** A NextMessage frame on a connection without a session: out of step. */
  #nextWithoutSession(): number {
    this.#io.fail(noSession('NextMessage'));
    return -1;
  }

  /** An Ack frame: the peer received everything up to its seq. */
  onAck(payload: Uint8Array): void {
    this.#sessionOrFail('ack').acknowledge(readSeq(payload, 'ack'));
  }

  /** A Close frame: the peer ends the session on purpose. */
  onClose(): void {
    this.#sessionOrFail('close');
    this.#peerClosed = true;
  }

  /** Before a deliberate close: acknowledges what arrived and tells the peer the session is over. */
  farewell(): void {
    if (this.#session === undefined) return;
    this.#session.flushAck();
    this.#io.writeControl(encodeFrame(FrameKind.Close));
  }

  /** The connection closed: the session holds what it sends until its next link. */
  detach(): void {
    if (this.#link !== undefined) this.#session?.detach(this.#link);
  }

  #sessionOrFail(what: string): Session {
    if (this.#session === undefined) throw noSession(what);
    return this.#session;
  }
}

/** A session frame (`what`) on a connection without a session. */
function noSession(what: string): BadDataError {
  return new BadDataError(`peer sent a ${what} frame, but this connection has no session (no reconnect was agreed in the hello)`);
}
