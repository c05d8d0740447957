import { BadConnError, type OonError } from '@oon/core';
import { FAULT_CLOSE_GRACE } from '../framing/constants';
import type { DisconnectReason } from './connection-options';

/** Where a connection is in its life. */
export type LinkState = 'handshaking' | 'open' | 'closing' | 'closed';

/** What a {@link Lifecycle} does to its connection as it goes. */
export interface LifecycleHooks {
  describePeer(): string;
  /** Reports a fault of an open connection (`'error'`). */
  reportError(error: OonError): void;
  /** Writes what is gathered (and `frame`, an Error frame, if given), then ends our side of the stream. */
  endStream(frame?: OonError): void;
  /** Lets a paused transport read again (to see the peer's end). */
  resumeTransport(): void;
  /** Closes the transport at once. */
  destroyTransport(): void;
}

/**
 * A connection's life: handshaking, open, closing, closed; why it ended and with which
 * error; the `ready` and `closed` promises; the deadlines of the handshake and of the
 * socket's destruction. The one place that decides how a connection goes away: a
 * graceful close waits `closeGrace` for the peer, a fault `FAULT_CLOSE_GRACE` (a peer at
 * fault that does not read would hold the socket that long), an eviction not at all.
 */
export class Lifecycle {
  /** Settles when the handshake is done: rejects with an `OonError` if it fails. */
  readonly ready: Promise<void>;
  /** Resolves once the transport is closed. */
  readonly closed: Promise<void>;
  #state: LinkState = 'handshaking';
  #reason: DisconnectReason | undefined;
  #error: OonError | undefined;
  #settleReady!: (error?: OonError) => void;
  #markClosed!: () => void;
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  #destroyTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #hooks: LifecycleHooks;
  readonly #closeGrace: number;

  constructor(hooks: LifecycleHooks, closeGrace: number) {
    this.#hooks = hooks;
    this.#closeGrace = closeGrace;
    this.ready = new Promise<void>((resolve, reject) => {
      this.#settleReady = (error) => {
        this.#settleReady = () => {};
        clearTimeout(this.#handshakeTimer);
        if (error === undefined) resolve();
        else reject(error);
      };
    });
    // The owner awaits `ready`; this keeps a failed handshake from also being an unhandled rejection.
    this.ready.catch(() => {});
    this.closed = new Promise<void>((resolve) => (this.#markClosed = resolve));
  }

  get state(): LinkState {
    return this.#state;
  }

  /** Why the connection ended (or is ending), once it does. */
  get reason(): DisconnectReason | undefined {
    return this.#reason;
  }

  /** The error it ended with, if any. */
  get error(): OonError | undefined {
    return this.#error;
  }

  /** True once the connection has begun to close: nothing more is read or reported. */
  get ending(): boolean {
    return this.#state === 'closing' || this.#state === 'closed';
  }

  /** Fails the handshake with `error` unless it is done within `ms`. */
  handshakeDeadline(ms: number, error: () => OonError): void {
    this.#handshakeTimer = setTimeout(() => this.fail(error(), 'timeout'), ms);
  }

  /** The handshake is done: the connection is open (its parts may write), `ready` not yet resolved. */
  open(): void {
    this.#state = 'open';
  }

  /** Resolves `ready`: the owner has heard of the open link. */
  opened(): void {
    this.#settleReady();
  }

  /** Drops the connection for a fault: reports it (if it was open), tells the peer (an Error frame, unless `tellPeer` is false), closes. */
  fail(error: OonError, reason: DisconnectReason, tellPeer = true): void {
    if (this.ending) return;
    const wasOpen = this.#state === 'open';
    this.#end(reason, error);
    this.#settleReady(error);
    if (wasOpen) this.#hooks.reportError(error);
    this.#hooks.endStream(tellPeer ? error : undefined);
    // A socket held paused (a server failing a hello it was admitting) must read, and
    // drop, what the peer still sends, or it never sees the peer's FIN.
    this.#hooks.resumeTransport();
    this.#scheduleDestroy(Math.min(FAULT_CLOSE_GRACE, this.#closeGrace));
  }

  /** Drops a peer that does not read: no Error frame (it would not read it either), the transport is destroyed at once. */
  evict(error: BadConnError): void {
    if (this.ending) return;
    this.#end('slow consumer', error);
    this.#hooks.reportError(error);
    this.#hooks.destroyTransport();
  }

  /**
   * Closes gracefully (`farewell` runs first, while still open): ends the stream and
   * destroys the transport after `closeGrace` unless it closes first. Safe to call twice.
   */
  close(farewell: () => void): Promise<void> {
    if (this.#state === 'handshaking' || this.#state === 'open') {
      if (this.#state === 'open') farewell();
      this.#reason ??= 'local close';
      this.#settleReady(new BadConnError(`connection to ${this.#hooks.describePeer()} was closed before the handshake finished`));
      this.#state = 'closing';
      this.#hooks.endStream();
      this.#scheduleDestroy(this.#closeGrace);
    }
    return this.closed;
  }

  /** The peer ended its side of the stream. */
  onEnd(): void {
    this.#reason ??= 'remote close';
    if (this.#state === 'handshaking') {
      this.#settleReady(new BadConnError(`${this.#hooks.describePeer()} closed the connection during the handshake`));
    }
    if (this.#state !== 'closed') this.#state = 'closing';
    this.#hooks.endStream();
  }

  /** The transport failed (its close follows). */
  onTransportError(err: Error): void {
    this.#reason ??= 'connection error';
    this.#error ??= new BadConnError(`connection to ${this.#hooks.describePeer()} failed: ${err.message}`, { cause: err });
    this.#settleReady(this.#error);
  }

  /** The transport closed: the connection is over; returns why, for the `'close'` event (`closed` resolves after the caller's cleanup, {@link Lifecycle.markClosed}). */
  onClose(): DisconnectReason {
    clearTimeout(this.#handshakeTimer);
    clearTimeout(this.#destroyTimer);
    this.#state = 'closed';
    this.#settleReady(this.#error ?? new BadConnError(`${this.#hooks.describePeer()} closed the connection during the handshake`));
    return this.#reason ?? 'remote close';
  }

  /** Resolves `closed`: the connection's parts are cleaned up. */
  markClosed(): void {
    this.#markClosed();
  }

  #end(reason: DisconnectReason, error: OonError): void {
    this.#state = 'closing';
    this.#reason = reason;
    this.#error = error;
  }

  /** Destroys the transport `ms` from now unless it closes first (the peer read our end and closed too). */
  #scheduleDestroy(ms: number): void {
    this.#destroyTimer ??= setTimeout(() => this.#hooks.destroyTransport(), ms);
  }
}
