import type { AddressInfo } from 'node:net';
import type { NetMessage, OonError } from '@oon/core';
import type { DisconnectReason, MessageRejection } from '@oon/wire';
import type { Peer, PeerData } from './peer';

/**
 * Events emitted by {@link OonServer}; `T` is the type of the objects clients send,
 * `Data` and `Identity` type each peer's `data` and `identity`.
 */
export interface OonServerEvents<T extends object = object, Data extends object = PeerData, Identity extends object = object> {
  /** The server is accepting connections. */
  listening: [address: AddressInfo];
  /**
   * A new client connected and finished the handshake (a client that resumes its
   * session is not new: see `reconnect`).
   */
  connection: [peer: Peer<Data, Identity>];
  /** A client sent an object: a live instance of its registered class. */
  message: [object: T, peer: Peer<Data, Identity>, message: NetMessage<T>];
  /**
   * A client's link dropped and its session is kept for it: it may come back within
   * `resumeWindow` (`reconnect`), or not (`disconnect`). Meanwhile `peer.connected` is
   * false and `peer.send()` holds messages for it. For presence, this is "away": it
   * comes as soon as the link is seen to drop (at once for a closed or reset link,
   * after the heartbeat's `pingInterval` + `pongTimeout` for a silent one), not after
   * `resumeWindow`. `reason` is the link's end; `error` says what failed, if anything did.
   * Once per absence, however many attempts the client makes to come back.
   */
  away: [peer: Peer<Data, Identity>, reason: DisconnectReason, error: OonError | undefined];
  /**
   * A client whose link dropped came back within `resumeWindow` and resumed its session:
   * the same `peer`, nothing lost. `awayMs` is how long it was away (0 when it came back
   * on a new link before the server saw the old one drop: then no `away` preceded this).
   */
  reconnect: [peer: Peer<Data, Identity>, awayMs: number];
  /**
   * A client is gone for good, and why: it closed, its link ended without a session to
   * keep (`reconnect: false`, bad data, refused, a slow consumer), its session ended
   * (`'timeout'` when it did not come back within `resumeWindow` or was ended to make
   * room under `maxSessions`, `'local close'` when the server closed), or the server
   * closed. Emitted once per peer, last.
   */
  disconnect: [peer: Peer<Data, Identity>, reason: DisconnectReason];
  /**
   * Messages sent to `peer` that it never acknowledged, given up when its session ended
   * (the window passed, it closed mid-stream, or the server closed). Never silent.
   */
  loss: [count: number, peer: Peer<Data, Identity>];
  /**
   * `peer` could not read a message the server sent it (a class it lacks, a value of the
   * wrong type, a failed class-validator constraint) and dropped it, naming its id and
   * class; the connection goes on. A request it cannot read rejects that request instead.
   */
  rejected: [rejection: MessageRejection, peer: Peer<Data, Identity>];
  /**
   * A fault with no promise to report it to: a client sent a message that could not be
   * read (it is dropped, the client is told, it stays connected) or a stream that could
   * not (it is dropped; the others go on), failed its handshake, or ignores
   * `maxRequestsInFlight` (once per connection; its requests past it are refused, it
   * stays connected). `peer` is unset before the handshake.
   * Nothing throws if no one listens: listen for it.
   */
  error: [error: OonError, peer: Peer<Data, Identity> | undefined];
  /**
   * A server-side message from the server of another node (its `serverSideEmit()`): a
   * live instance of its registered class, and the id of the node that sent it. Only
   * with an adapter (`@oon/redis`).
   */
  serverMessage: [object: object, node: string];
  /**
   * Another node stopped answering (its heartbeat in Redis lapsed): it is taken to be
   * dead, its peers are in no room any more, and counts and `peers()` leave them out. A
   * node that closes leaves without this. Only with an adapter (`@oon/redis`).
   */
  nodeDown: [node: string];
  /** The server stopped and every connection is closed. */
  close: [];
}
