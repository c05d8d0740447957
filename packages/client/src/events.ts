import type { NetMessage, OonError } from '@oon/core';
import type { DisconnectReason, MessageRejection } from '@oon/wire';

/** Where an {@link OonClient} is: `'reconnecting'` between a dropped link and the next. */
export type ClientStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** What a reconnect did, for the `'reconnect'` event. */
export interface ReconnectInfo {
  /** Attempts it took (1 when the first worked). */
  readonly attempts: number;
  /**
   * True when the server still had the session: nothing was lost or repeated. False when
   * it did not (it restarted, or the resume window passed): what it had not delivered is
   * gone (the server reports that as `'loss'`), and it may see again messages it had
   * received but not yet acknowledged.
   */
  readonly resumed: boolean;
  /** Messages written again because the server had not acknowledged them. */
  readonly resent: number;
  /**
   * Set when the session could not be resumed (`resumed: false`): a `BadConn` saying so,
   * for an app that reports it or re-fetches what it may have missed.
   */
  readonly error?: OonError;
}

/** Events emitted by {@link OonClient}; `T` is the type of the objects the server sends. */
export interface OonClientEvents<T extends object = object> {
  /** Connected and the handshake is done: after `connect()`, and after each reconnect. */
  connect: [];
  /** The link dropped and the client waits `delay` ms before attempt `attempt` (1-based). */
  reconnecting: [attempt: number, delay: number];
  /** Connected again after a drop; see {@link ReconnectInfo}. */
  reconnect: [info: ReconnectInfo];
  /**
   * Messages sent that the server never acknowledged, given up: the client closed (or
   * gave up reconnecting) before they were. Never silent.
   */
  loss: [count: number];
  /** The server sent an object: a live instance of its registered class. */
  message: [object: T, message: NetMessage<T>];
  /** The link ended, and why; `error` says what failed, unless it was a clean close. The client may reconnect. */
  disconnect: [reason: DisconnectReason, error: OonError | undefined];
  /**
   * The server could not read a message we sent (a class it lacks, a value of the wrong
   * type, a failed class-validator constraint) and dropped it, naming its id and class;
   * the connection goes on. A request it cannot read rejects that request instead.
   */
  rejected: [rejection: MessageRejection];
  /**
   * A fault with no promise to report it to: the server sent a message that could not be
   * read (it is dropped, the server is told, the connection goes on) or a stream that
   * could not (the connection is dropped), or dropped us and said why, or ignores our
   * `maxRequestsInFlight` (once per connection; its requests past it are refused, the
   * connection goes on). Nothing throws if no one listens.
   */
  error: [error: OonError];
}
