import { OonError } from '@oon/core';
import type { SharedMessage } from '@oon/wire/internal';
import type { Peer, PeerData } from './peer';

/** One peer `broadcast()` could not hand the message to, and why. */
export interface BroadcastFailure<Data extends object = PeerData, Identity extends object = object> {
  /** The peer that did not take the message. */
  readonly peer: Peer<Data, Identity>;
  /** `BadConn` (evicted, gone, or its session full while it reconnects) or `BadData` (the peer cannot take this object). */
  readonly error: OonError;
}

/**
 * What `broadcast()` did, peer by peer. It waits on no peer, so it says what was handed
 * over, not what arrived: a peer's own `send()` promise, or its session's
 * acknowledgements, say that.
 */
export interface BroadcastResult<Data extends object = PeerData, Identity extends object = object> {
  /**
   * Peers the message was handed to: written to their link, or held for them within
   * their bound (`maxPendingBytes`) to be written as they read or once they reconnect.
   */
  readonly delivered: number;
  /** Peers evicted as slow consumers by this message: what is held for them would have passed `maxPendingBytes`. */
  readonly evicted: number;
  /** Peers that could not take the message for another reason (gone, or it cannot be sent to them). */
  readonly failed: number;
  /** Each peer evicted or failed, with its error. */
  readonly failures: readonly BroadcastFailure<Data, Identity>[];
  /**
   * Set when the server has an adapter and the broadcast could not be published to the
   * other nodes: `BadConn` naming Redis while it is unreachable (their peers did not get
   * it; the counts above are this node's), `BadData` if the object cannot be encoded.
   * Unset when published, and always on a server without an adapter.
   */
  readonly cluster?: OonError;
}

/**
 * Hands each of `shared`, in order, to each peer in turn: all of them to one peer before
 * the next, so each peer's objects are gone through once for the lot. A refusal is
 * neither thrown nor counted: no one waits on these (broadcasts from other nodes).
 */
export function handEach<P extends Pick<Peer, 'offerShared'>>(peers: Iterable<P>, shared: readonly SharedMessage[]): void {
  for (const peer of peers) for (const one of shared) peer.offerShared(one);
}

/**
 * Hands `shared` to each peer in turn, encoded once per codec (every peer gets the same
 * payload and message id); a refusal is counted, never thrown.
 */
export function broadcastTo<Data extends object, Identity extends object>(peers: Iterable<Peer<Data, Identity>>, shared: SharedMessage): BroadcastResult<Data, Identity> {
  let delivered = 0;
  let evicted = 0;
  const failures: BroadcastFailure<Data, Identity>[] = [];
  for (const peer of peers) {
    const wasEvicted = peer.evicted;
    const outcome = peer.offerShared(shared);
    if (!(outcome instanceof OonError)) {
      delivered += 1;
      continue;
    }
    if (!wasEvicted && peer.evicted) evicted += 1;
    failures.push({ peer, error: outcome });
  }
  return { delivered, evicted, failed: failures.length - evicted, failures };
}
