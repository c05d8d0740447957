import { BadDataError, createOonError, type NetMessage, type OonError } from '@oon/core';
import type { FrameCodec } from '../codec/codec';
import { FrameKind } from '../framing/constants';
import type { FrameHandler } from '../framing/frame-queue';
import { encodeFrame } from '../framing/frame-encoder';
import type { HandshakeDriver } from '../handshake/handshake-driver';
import { readErrorReport, toOonError } from '../rpc/error-report';
import type { RequestChannel } from '../rpc/request-channel';
import type { SessionCarrier } from '../session/session-carrier';
import { SEQ_BYTES } from '../session/seq';
import type { MessageIds } from './message-ids';
import type { DisconnectReason } from './connection-options';
import { droppedMessage, readMessage, readRejection, rejectedFrame, Unreadable, type MessageRejection } from './message-rejection';

/** The parts of a connection a {@link FrameRouter} hands frames to. */
export interface FrameRoutes {
  readonly handshake: HandshakeDriver;
  readonly requests: RequestChannel;
  readonly sessions: SessionCarrier;
  /** Ids for messages that arrive without one. */
  readonly ids: MessageIds;
}

/** What a {@link FrameRouter} asks of its connection. */
export interface FrameRouterHooks {
  /** The connection's state: frames before `'open'` are the handshake's. */
  state(): string;
  describePeer(): string;
  /** Drops the connection for a fault (`tellPeer`: send an Error frame; not when the peer sent one). */
  fail(error: OonError, reason: DisconnectReason, tellPeer?: boolean): void;
  /** Queues a frame no one waits for (a pong, a Rejected frame). */
  writeFrame(frame: Uint8Array, control?: boolean): void;
  /** A message arrived, revived. */
  deliver(message: NetMessage): void;
  /** A message of the peer's could not be read and was dropped. */
  dropped(error: OonError): void;
  /** The peer could not read one of ours. */
  rejected(rejection: MessageRejection): void;
}

/**
 * A connection's read side past the frame queue: each frame, in order, to the part that
 * handles it (handshake, messages, requests, session, heartbeat), and what a frame the
 * protocol does not allow there means: a message that cannot be read fails that message;
 * a frame that cannot be read, or is out of place, fails the link.
 */
export class FrameRouter implements FrameHandler {
  readonly #routes: FrameRoutes;
  readonly #origin: boolean;
  readonly #hooks: FrameRouterHooks;
  /** The agreed codec, once open: messages are read with it. */
  codec: FrameCodec | undefined;

  /** `origin`: the origin's wire, which has no Rejected frame to tell the peer with. */
  constructor(routes: FrameRoutes, origin: boolean, hooks: FrameRouterHooks) {
    this.#routes = routes;
    this.#origin = origin;
    this.#hooks = hooks;
  }

  /** Handles one frame: its payload is `buf[start, end)`. */
  onFrame(kind: number, buf: Uint8Array, start: number, end: number): void {
    // Run for every frame, and kept small so that V8 inlines the message path into it: the
    // codec is set when the handshake is done (frames before it are the handshake's).
    const codec = this.codec;
    if (kind === FrameKind.Message && codec !== undefined) this.#onMessage(codec, buf, start, end);
    else this.#onFrameOtherThanMessage(kind, buf, start, end);
  }

  #onFrameOtherThanMessage(kind: number, buf: Uint8Array, start: number, end: number): void {
    // Requests and responses are decoded where they lie in the received chunk, as messages are; other frames are rare.
    if (this.codec !== undefined && (kind === FrameKind.Request || kind === FrameKind.Response)) this.#onCall(kind, buf, start, end);
    else this.#onOtherFrame(kind, buf.subarray(start, end));
  }

  /** A Request or Response frame, `buf[start, end)`; one that is malformed drops the connection. */
  #onCall(kind: number, buf: Uint8Array, start: number, end: number): void {
    try {
      if (kind === FrameKind.Request) this.#routes.requests.onRequest(buf, start, end);
      else this.#routes.requests.onResponse(buf, start, end);
    } catch (err) {
      this.#hooks.fail(toOonError(err), 'bad data');
    }
  }

  /**
   * The peer dropped us and said why. A deadline it gave up on (we did not answer its
   * ping: a process stopped, a laptop asleep) is a `'timeout'`, as if our own watchdog
   * had fired: the link may be resumed. Anything else is a refusal.
   */
  onPeerError(payload: Uint8Array): void {
    const report = readErrorReport(payload);
    const reason = report.code === 'Timeout' ? 'timeout' : 'rejected by peer';
    this.#hooks.fail(createOonError(report.code, `${this.#hooks.describePeer()} dropped the connection: ${report.message}`), reason, false);
  }

  #onOtherFrame(kind: number, payload: Uint8Array): void {
    const { handshake, sessions } = this.#routes;
    if (this.#hooks.state() === 'handshaking') {
      handshake.onFrame(kind, payload);
      return;
    }
    switch (kind) {
      case FrameKind.Request:
      case FrameKind.Response:
        // Before the codec is agreed (the origin's wire has none of these).
        this.#onCall(kind, payload, 0, payload.length);
        return;
      case FrameKind.Error:
        this.onPeerError(payload);
        return;
      case FrameKind.Ack:
        this.#guard(() => sessions.onAck(payload));
        return;
      case FrameKind.Close:
        this.#guard(() => sessions.onClose());
        return;
      case FrameKind.Rejected:
        this.#hooks.rejected(readRejection(payload, this.#hooks.describePeer()));
        return;
      case FrameKind.Ping:
        // Not once closing: our side of the stream is ended.
        if (this.#hooks.state() === 'open') this.#hooks.writeFrame(encodeFrame(FrameKind.Pong), true);
        return;
      case FrameKind.Pong:
        return;
      default:
        this.#hooks.fail(new BadDataError(`peer sent a frame of kind ${kind}, which OON protocol v1 does not use here`), 'bad data');
    }
  }

  #onMessage(codec: FrameCodec, buf: Uint8Array, start: number, end: number): void {
    // Run for every message: kept to few bytecodes (the rare paths out of line), so V8 inlines the path in one piece.
    const seq = this.#routes.sessions.acceptSeq(buf, start, end);
    if (seq < 0) return;
    const read = readMessage(codec, buf, seq === 0 ? start : start + SEQ_BYTES, end);
    if (read instanceof Unreadable) this.#dropMessage(read, seq);
    // A session's seq names the message on every link; without one, its number on this link.
    else this.#hooks.deliver(this.#routes.ids.name(read, seq));
  }

  /**
   * A whole message whose payload could not be read: that message fails, not the
   * connection (the frame was whole, so the next one starts where it should). It is
   * dropped (with a session it was counted as received, so it is never resent), reported
   * here, and the peer is told in a Rejected frame, except on the origin's wire, which has none.
   */
  #dropMessage(read: Unreadable, seq: number): void {
    const { error, head } = this.#routes.ids.nameUnreadable(read, seq);
    const told = !this.#origin;
    // Not once closing: our side of the stream is ended.
    if (told && this.#hooks.state() === 'open') this.#hooks.writeFrame(rejectedFrame(head, error));
    this.#hooks.dropped(droppedMessage(head, 'message', this.#hooks.describePeer(), error, told));
  }

  /** Runs a frame handler that throws `BadData` on malformed frames, dropping the connection if it does. */
  #guard(handle: () => void): void {
    try {
      handle();
    } catch (err) {
      this.#hooks.fail(toOonError(err), 'bad data');
    }
  }
}
