import type { NetMessageOptions } from '@oon/core';
import { broadcastTo, type BroadcastResult } from './broadcast';
import { Peer, type PeerData } from './peer';
import type { Room, RoomIndex, RoomSelection } from './rooms';
import { roomNames } from './room-names';

/** What a {@link BroadcastOperator} reads: every peer of the server, and who is in which room. */
export interface BroadcastScope<P> {
  /** Every peer: connected, or away with its session kept. */
  all(): Iterable<P>;
  readonly rooms: RoomIndex<P>;
}

const NONE: ReadonlySet<never> = new Set();

/**
 * A broadcast being aimed, as socket.io's `BroadcastOperator`: `server.to('a').to('b')`
 * reaches peers in either room, `.except('muted')` and `.except(peer)` leave some out,
 * and each call returns a new operator (a stored one can be reused). With no room named
 * it reaches every peer: `server.except(peer).send(obj)` is "everyone but the sender".
 */
export class BroadcastOperator<Data extends object = PeerData, Identity extends object = object> {
  readonly #scope: BroadcastScope<Peer<Data, Identity>>;
  readonly #selection: RoomSelection<Peer<Data, Identity>>;

  /** @internal Made by `OonServer.to()`, `in()`, `except()`. */
  constructor(scope: BroadcastScope<Peer<Data, Identity>>, selection: RoomSelection<Peer<Data, Identity>> = { rooms: NONE, exceptRooms: NONE, exceptPeers: NONE }) {
    this.#scope = scope;
    this.#selection = selection;
  }

  /** Aims at peers in `room` too (or each of several): the rooms add up, a peer in several is reached once. */
  to(room: Room | readonly Room[]): BroadcastOperator<Data, Identity> {
    const rooms = new Set(this.#selection.rooms);
    for (const one of roomNames(room, 'to')) rooms.add(one);
    return new BroadcastOperator(this.#scope, { ...this.#selection, rooms });
  }

  /** The same as {@link BroadcastOperator.to}: reads better before `peers()` and `count()`. */
  in(room: Room | readonly Room[]): BroadcastOperator<Data, Identity> {
    return this.to(room);
  }

  /** Leaves out peers in `room` and the peer `peer` (or each of several of either). */
  except(target: Room | Peer<Data, Identity> | readonly (Room | Peer<Data, Identity>)[]): BroadcastOperator<Data, Identity> {
    const exceptRooms = new Set(this.#selection.exceptRooms);
    const exceptPeers = new Set(this.#selection.exceptPeers);
    for (const one of Array.isArray(target) ? target : [target]) {
      if (typeof one === 'string') exceptRooms.add(one);
      else if (one instanceof Peer) exceptPeers.add(one);
      else throw new TypeError('except() takes a room name (a string), a peer, or an array of them');
    }
    return new BroadcastOperator(this.#scope, { ...this.#selection, exceptRooms, exceptPeers });
  }

  /**
   * Sends one object to every peer aimed at, as `server.broadcast()` does (that is this,
   * aimed at everyone): encoded once per codec, waiting on no peer, never rejecting;
   * resolves with what happened peer by peer ({@link BroadcastResult}).
   */
  send(object: object, options?: NetMessageOptions): Promise<BroadcastResult<Data, Identity>> {
    return Promise.resolve(broadcastTo(this.#chosen(), object, options));
  }

  /** The peers aimed at, now (those away with their session kept included). */
  peers(): Promise<Peer<Data, Identity>[]> {
    return Promise.resolve([...this.#chosen()]);
  }

  /** How many peers are aimed at, now: `await server.in('order:42').count()`. */
  count(): Promise<number> {
    return Promise.resolve(this.#chosen().size);
  }

  #chosen(): Set<Peer<Data, Identity>> {
    return this.#scope.rooms.select(this.#scope.all(), this.#selection);
  }
}

