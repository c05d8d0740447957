import { OonError, type NetMessageOptions } from '@oon/core';
import type { Peer } from './peer';

/** One peer `broadcast()` could not hand the message to, and why. */
export interface BroadcastFailure {
  /** The peer that did not take the message. */
  readonly peer: Peer;
  /** `BadConn` (evicted, gone, or its session full while it reconnects) or `BadData` (the peer cannot take this object). */
  readonly error: OonError;
}

/**
 * What `broadcast()` did, peer by peer. It waits on no peer, so it says what was handed
 * over, not what arrived: a peer's own `send()` promise, or its session's
 * acknowledgements, say that.
 */
export interface BroadcastResult {
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
  readonly failures: readonly BroadcastFailure[];
}

/** Hands `object` to each peer in turn; a refusal is counted, never thrown. */
export function broadcastTo(peers: Iterable<Peer>, object: object, options: NetMessageOptions | undefined): BroadcastResult {
  let delivered = 0;
  let evicted = 0;
  const failures: BroadcastFailure[] = [];
  for (const peer of peers) {
    const wasEvicted = peer.evicted;
    const outcome = peer.offer(object, options);
    if (!(outcome instanceof OonError)) {
      delivered += 1;
      continue;
    }
    if (!wasEvicted && peer.evicted) evicted += 1;
    failures.push({ peer, error: outcome });
  }
  return { delivered, evicted, failed: failures.length - evicted, failures };
}
