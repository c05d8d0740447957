import type { AddressInfo } from 'node:net';
import type { NetMessage, OonError } from '@oon/core';
import type { DisconnectReason, MessageRejection } from '@oon/wire';
import type { Peer } from './peer';

/** Events emitted by {@link OonServer}; `T` is the type of the objects clients send. */
export interface OonServerEvents<T extends object = object> {
  /** The server is accepting connections. */
  listening: [address: AddressInfo];
  /** A client connected and finished the handshake. */
  connection: [peer: Peer];
  /** A client sent an object: a live instance of its registered class. */
  message: [object: T, peer: Peer, message: NetMessage<T>];
  /**
   * A client is gone, and why. A client with a session (one that reconnects) is gone
   * when it closes on purpose, or when its link dropped and it did not resume within
   * `resumeWindow`; a short drop it recovers from is not a disconnect.
   */
  disconnect: [peer: Peer, reason: DisconnectReason];
  /** A client's link dropped and it came back within `resumeWindow`: the same `peer`, nothing lost. */
  reconnect: [peer: Peer];
  /**
   * Messages sent to `peer` that it never acknowledged, given up when its session ended
   * (the window passed, it closed mid-stream, or the server closed). Never silent.
   */
  loss: [count: number, peer: Peer];
  /**
   * `peer` could not read a message the server sent it (a class it lacks, a value of the
   * wrong type, a failed class-validator constraint) and dropped it, naming its id and
   * class; the connection goes on. A request it cannot read rejects that request instead.
   */
  rejected: [rejection: MessageRejection, peer: Peer];
  /**
   * A fault with no promise to report it to: a client sent a message that could not be
   * read (it is dropped, the client is told, it stays connected) or a stream that could
   * not (it is dropped; the others go on), failed its handshake, or ignores
   * `maxRequestsInFlight` (once per connection; its requests past it are refused, it
   * stays connected). `peer` is unset before the handshake.
   * Nothing throws if no one listens: listen for it.
   */
  error: [error: OonError, peer: Peer | undefined];
  /** The server stopped and every connection is closed. */
  close: [];
}
