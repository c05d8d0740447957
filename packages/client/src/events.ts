import type { NetMessage, OonError } from '@oon/core';
import type { DisconnectReason } from '@oon/wire';

/** Events emitted by {@link OonClient}; `T` is the type of the objects the server sends. */
export interface OonClientEvents<T extends object = object> {
  /** Connected and the handshake is done. */
  connect: [];
  /** The server sent an object: a live instance of its registered class. */
  message: [object: T, message: NetMessage<T>];
  /** The connection ended, and why; `error` says what failed, unless it was a clean close. */
  disconnect: [reason: DisconnectReason, error: OonError | undefined];
  /**
   * A fault with no promise to report it to: the server sent bad data (the connection
   * is dropped) or dropped us and said why. Nothing throws if no one listens.
   */
  error: [error: OonError];
}
