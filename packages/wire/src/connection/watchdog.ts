import { TimeoutError } from '@oon/core';

/** Deadlines a {@link Watchdog} keeps, in milliseconds; 0 turns one off. */
export interface WatchdogLimits {
  /** A frame started and not finished for this long drops the peer (slowloris). */
  readonly partialFrameTimeout: number;
  /** Silence from the peer for this long makes us ping it. */
  readonly pingInterval: number;
  /** A ping unanswered for this long drops the peer. */
  readonly pongTimeout: number;
}

/** What a {@link Watchdog} does to its connection. */
export interface WatchdogActions {
  /** Sends a Ping frame. */
  ping(): void;
  /** Tells the peer this side lives while it does not read: a Pong no one asked for (its pings wait unread). */
  keepAlive(): void;
  /** Drops the peer for a missed deadline. */
  fail(error: TimeoutError): void;
  /** True while this side has stopped reading: the peer cannot be blamed for silence then. */
  readonly paused: () => boolean;
  /** The peer, for messages. */
  describePeer(): string;
}

const NONE = -1;

/**
 * Milliseconds a tick may come late before this process is taken to have been suspended
 * (a laptop asleep, SIGSTOP, a VM paused): its timers did not run, so its clocks did
 * not move, and the link may have died meanwhile without a word reaching it.
 */
const SUSPENDED_AFTER_MS = 1_000;

/**
 * The deadlines of one connection, on one interval timer: it drops a peer that stalls
 * mid-frame (`partialFrameTimeout`), pings a silent one (`pingInterval`) and drops it if
 * it stays silent (`pongTimeout`), all with `Timeout`.
 *
 * The hot path only copies a tick counter (no clock read, timer or closure per frame or
 * chunk): the timer ticks at a quarter of the shortest deadline, and a deadline of N ms
 * fires between N and 1.25 N ms. Any bytes from the peer count as an answer to a ping:
 * a peer that is sending is alive. While this side is not reading (its inbox is full),
 * neither the peer's silence nor its unfinished frame counts against it; and as the peer
 * cannot tell a side that stopped reading from one that died (its pings wait unread),
 * this side sends it a Pong unasked every half `pingInterval` meanwhile, so a slow
 * reader keeps its link and the peer's sends wait (backpressure) instead.
 *
 * Ticks, not the clock, measure the deadlines, so a process that was suspended does not
 * blame the peer for the time it slept. But the peer may have dropped it meanwhile, and
 * on a machine that slept its FIN or reset may never have arrived: a tick that comes
 * more than {@link SUSPENDED_AFTER_MS} late pings at once (one clock read per tick), so
 * a dead link is found within a round trip of waking (the ping meets a reset) and a live
 * one just answers, instead of waiting out `pingInterval` of silence first.
 */
export class Watchdog {
  readonly #actions: WatchdogActions;
  readonly #limits: WatchdogLimits;
  readonly #tickMs: number;
  readonly #timer: NodeJS.Timeout | undefined;
  #ticks = 0;
  #heardAt = 0;
  /** Bytes came since the last tick: the only thing the hot path sets besides a partial frame's start. */
  #heard = false;
  #partialSince = NONE;
  #pingSentAt = NONE;
  /** The tick of the last Pong sent unasked while paused. */
  #keptAliveAt = NONE;
  #heartbeat = false;
  /** `Date.now()` at the last tick, to notice a tick that came far too late (a suspension). */
  #tickedAt = Date.now();

  constructor(limits: WatchdogLimits, actions: WatchdogActions) {
    this.#limits = limits;
    this.#actions = actions;
    const enabled = [limits.partialFrameTimeout, limits.pingInterval, limits.pongTimeout].filter((ms) => ms > 0);
    this.#tickMs = enabled.length === 0 ? 0 : Math.max(1, Math.floor(Math.min(...enabled) / 4));
    if (this.#tickMs > 0) {
      this.#timer = setInterval(() => this.#tick(), this.#tickMs);
      // The socket keeps the process alive while it matters; this timer never should (a
      // browser's timers keep nothing alive, and have no `unref`).
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  /** Starts pinging (once the handshake is done: a Ping before it is not OON). */
  startHeartbeat(): void {
    this.#heartbeat = this.#limits.pingInterval > 0 && this.#limits.pongTimeout > 0;
  }

  /**
   * Notes that bytes came: `midFrame` says whether a frame is still unfinished after
   * them, `completed` whether they finished at least one (so an unfinished one is new).
   */
  onBytes(midFrame: boolean, completed: boolean): void {
    this.#heard = true;
    if (!midFrame) this.#partialSince = NONE;
    else if (completed || this.#partialSince === NONE) this.#partialSince = this.#ticks;
  }

  /** Stops the timer; call when the connection closes. */
  stop(): void {
    clearInterval(this.#timer);
    this.#heartbeat = false;
  }

  #tick(): void {
    const now = ++this.#ticks;
    const wall = Date.now();
    const woke = wall - this.#tickedAt > this.#tickMs + SUSPENDED_AFTER_MS;
    this.#tickedAt = wall;
    if (this.#heard) {
      this.#heard = false;
      this.#heardAt = now;
      this.#pingSentAt = NONE;
    }
    if (this.#actions.paused()) {
      // Our own pause is no fault of the peer's: restart its clocks.
      this.#heardAt = now;
      if (this.#partialSince !== NONE) this.#partialSince = now;
      if (this.#pingSentAt !== NONE) this.#pingSentAt = now;
      // Nor is it the peer's to blame us for: with the defaults it waits 45 s of silence, and hears from us every 12.5 s.
      if (this.#heartbeat && (this.#keptAliveAt === NONE || this.#elapsed(this.#keptAliveAt) >= this.#limits.pingInterval / 2)) {
        this.#keptAliveAt = now;
        this.#actions.keepAlive();
      }
      return;
    }
    const { partialFrameTimeout, pingInterval, pongTimeout } = this.#limits;
    if (partialFrameTimeout > 0 && this.#partialSince !== NONE && this.#elapsed(this.#partialSince) >= partialFrameTimeout) {
      this.#fail(`${this.#actions.describePeer()} started a frame and did not finish it within ${partialFrameTimeout} ms (partialFrameTimeout)`);
      return;
    }
    if (!this.#heartbeat) return;
    if (this.#pingSentAt !== NONE) {
      if (this.#elapsed(this.#pingSentAt) >= pongTimeout) {
        this.#fail(`${this.#actions.describePeer()} did not answer a ping within ${pongTimeout} ms (pongTimeout)`);
      }
      return;
    }
    if (woke || this.#elapsed(this.#heardAt) >= pingInterval) {
      this.#pingSentAt = now;
      this.#actions.ping();
    }
  }

  #elapsed(since: number): number {
    return (this.#ticks - since) * this.#tickMs;
  }

  #fail(message: string): void {
    this.stop();
    this.#actions.fail(new TimeoutError(message));
  }
}
