import type { SharedMessage } from '@oon/wire/internal';
import type { PeerSelection } from './adapter';

/** A broadcast heard from another node, decoded, and the peers of this node it reaches. */
interface Heard<P> {
  readonly selection: PeerSelection;
  readonly peers: ReadonlySet<P>;
  readonly shared: SharedMessage;
}

/**
 * The broadcasts other nodes sent that arrive in one run of Redis messages (a chunk read
 * from Redis is handed out message by message, in one go): kept until the run ends, then
 * handed to the peers peer by peer, each peer given all of them at once (in their order).
 *
 * Message by message, every message of the run went through every peer's objects again
 * (its session, log, bound and writer): in `pnpm bench:fanout` each of 333 peers took
 * ten broadcasts a round that way, and a peer's objects were out of the CPU's cache by
 * the time the next message came to it. Given the run peer by peer, the send loop of a
 * broadcast to 333 session peers took 0.30 to 0.41 µs per delivery in the best round
 * against 0.52 to 0.66 message by message. Broadcasts aimed alike share one selection
 * of peers, made once.
 *
 * Nothing else runs between the messages of a run except what this node does for them:
 * whoever handles another kind of message first calls {@link HeardBroadcasts.flush}, so
 * the broadcasts before it reach their peers first, and what it changes (a peer joining
 * a room) is seen by the broadcasts after it.
 */
export class HeardBroadcasts<P> {
  #heard: Heard<P>[] = [];
  readonly #deliver: (peers: ReadonlySet<P>, shared: readonly SharedMessage[]) => void;
  readonly #flush = (): void => this.flush();

  /** `deliver` hands each of `shared`, in order, to each of `peers`. */
  constructor(deliver: (peers: ReadonlySet<P>, shared: readonly SharedMessage[]) => void) {
    this.#deliver = deliver;
  }

  /**
   * A broadcast arrived: `select` picks the peers it reaches (unless the last one heard
   * was aimed alike), and `decode` reads the object only if there is one. Throws what
   * `decode` throws: nothing is kept then.
   */
  hear(selection: PeerSelection, select: (selection: PeerSelection) => ReadonlySet<P>, decode: () => SharedMessage): void {
    const last = this.#heard[this.#heard.length - 1];
    const peers = last !== undefined && aimedAlike(last.selection, selection) ? last.peers : select(selection);
    // A node with no peer the broadcast aims at reads its header only: the object is not decoded.
    if (peers.size === 0) return;
    const shared = decode();
    if (this.#heard.length === 0) queueMicrotask(this.#flush);
    this.#heard.push({ selection, peers, shared });
  }

  /** Hands out what was heard: each run of broadcasts aimed alike, peer by peer. */
  flush(): void {
    const heard = this.#heard;
    if (heard.length === 0) return;
    this.#heard = [];
    for (let i = 0; i < heard.length; ) {
      const { peers } = heard[i] as Heard<P>;
      let end = i + 1;
      while (end < heard.length && (heard[end] as Heard<P>).peers === peers) end += 1;
      this.#deliver(peers, heard.slice(i, end).map((one) => one.shared));
      i = end;
    }
  }
}

const NONE: readonly string[] = [];

function aimedAlike(a: PeerSelection, b: PeerSelection): boolean {
  return sameNames(a.rooms, b.rooms) && sameNames(a.exceptRooms, b.exceptRooms) && sameNames(a.exceptPeers, b.exceptPeers) && sameNames(a.exceptSessions ?? NONE, b.exceptSessions ?? NONE);
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}
