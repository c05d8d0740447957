import type { NetMessageOptions } from '@oon/core';
import { SharedMessage } from '@oon/wire/internal';
import type { PeerSelection, PeerSnapshot, RemotePeer } from './adapter';
import { broadcastTo, type BroadcastResult } from './broadcast';
import type { Cluster } from './cluster';
import { Peer, type PeerData } from './peer';
import type { Room } from './rooms';
import { roomNames } from './room-names';

/** What a {@link BroadcastOperator} reads: the server's part in its cluster (its own peers and rooms, and its adapter). */
export type BroadcastScope<Data extends object, Identity extends object> = Cluster<Peer<Data, Identity>>;

/** A peer `except()` leaves out: one of this node's, or one `peers()` found on another node. */
export type PeerRef<Data extends object = PeerData, Identity extends object = object> = Peer<Data, Identity> | RemotePeer<Data, Identity>;

interface Aim<P> {
  readonly rooms: ReadonlySet<Room>;
  readonly exceptRooms: ReadonlySet<Room>;
  /** This node's peers left out, as objects. */
  readonly exceptPeers: ReadonlySet<P>;
  /** Every peer left out, as `node/id`: what travels to the other nodes. */
  readonly exceptNames: ReadonlySet<string>;
  /** The sessions the cluster keeps of the peers left out: they are left out wherever their session has moved. */
  readonly exceptSessions: ReadonlySet<string>;
}

const NONE: ReadonlySet<never> = new Set();

/** The session (one the cluster keeps) of each {@link RemotePeer} `peers()` made, for `except()`; not a public field of it. */
const sessionOf = new WeakMap<object, string>();

function isRemotePeer(value: unknown): value is RemotePeer {
  return typeof value === 'object' && value !== null && typeof (value as RemotePeer).node === 'string' && typeof (value as RemotePeer).id === 'string';
}

/**
 * A broadcast being aimed, as socket.io's `BroadcastOperator`: `server.to('a').to('b')`
 * reaches peers in either room, `.except('muted')` and `.except(peer)` leave some out,
 * and each call returns a new operator (a stored one can be reused). With no room named
 * it reaches every peer: `server.except(peer).send(obj)` is "everyone but the sender".
 * With an adapter (`@oon/redis`) it reaches, counts and lists the peers of every node.
 */
export class BroadcastOperator<Data extends object = PeerData, Identity extends object = object> {
  readonly #scope: BroadcastScope<Data, Identity>;
  readonly #aim: Aim<Peer<Data, Identity>>;

  /** @internal Made by `OonServer.to()`, `in()`, `except()`. */
  constructor(scope: BroadcastScope<Data, Identity>, aim: Aim<Peer<Data, Identity>> = { rooms: NONE, exceptRooms: NONE, exceptPeers: NONE, exceptNames: NONE, exceptSessions: NONE }) {
    this.#scope = scope;
    this.#aim = aim;
  }

  /** Aims at peers in `room` too (or each of several): the rooms add up, a peer in several is reached once. */
  to(room: Room | readonly Room[]): BroadcastOperator<Data, Identity> {
    const rooms = new Set(this.#aim.rooms);
    for (const one of roomNames(room, 'to')) rooms.add(one);
    return new BroadcastOperator(this.#scope, { ...this.#aim, rooms });
  }

  /** The same as {@link BroadcastOperator.to}: reads better before `peers()` and `count()`. */
  in(room: Room | readonly Room[]): BroadcastOperator<Data, Identity> {
    return this.to(room);
  }

  /**
   * Leaves out peers in `room` and the peer `peer` (or each of several of either); a
   * peer may be one of this node's or a {@link RemotePeer} that `peers()` returned. A
   * peer whose session the cluster keeps is left out wherever its session is when the
   * broadcast is sent, though it moved to another node since it was found.
   */
  except(target: Room | PeerRef<Data, Identity> | readonly (Room | PeerRef<Data, Identity>)[]): BroadcastOperator<Data, Identity> {
    const exceptRooms = new Set(this.#aim.exceptRooms);
    const exceptPeers = new Set(this.#aim.exceptPeers);
    const exceptNames = new Set(this.#aim.exceptNames);
    const exceptSessions = new Set(this.#aim.exceptSessions);
    for (const one of Array.isArray(target) ? target : [target]) {
      let session: string | undefined;
      if (typeof one === 'string') exceptRooms.add(one);
      else if (one instanceof Peer) {
        exceptPeers.add(one);
        exceptNames.add(this.#scope.nameOf(one));
        session = this.#scope.keptSession(one);
      } else if (isRemotePeer(one)) {
        exceptNames.add(`${one.node}/${one.id}`);
        session = sessionOf.get(one);
      } else throw new TypeError('except() takes a room name (a string), a peer, or an array of them');
      if (session !== undefined) exceptSessions.add(session);
    }
    return new BroadcastOperator(this.#scope, { ...this.#aim, exceptRooms, exceptPeers, exceptNames, exceptSessions });
  }

  /**
   * Sends one object to every peer aimed at, as `server.broadcast()` does (that is this,
   * aimed at everyone): encoded once per codec, waiting on no peer, never rejecting;
   * resolves with what happened peer by peer ({@link BroadcastResult}). With an adapter
   * it is published once to the other nodes, and resolves once published (or with
   * `cluster` set to why it could not be: this node's peers got it all the same).
   */
  async send(object: object, options?: NetMessageOptions): Promise<BroadcastResult<Data, Identity>> {
    const shared = new SharedMessage(object, options);
    const local = broadcastTo(this.#chosen(), shared);
    const cluster = await this.#scope.publish(this.#selection(), shared);
    return cluster === undefined ? local : { ...local, cluster };
  }

  /**
   * The peers aimed at, now (those away with their session kept included): this node's
   * as `Peer`s, the other nodes' as {@link RemotePeer}s (tell them apart with
   * `instanceof Peer`). With an adapter, rejects with `BadConn` when the other nodes
   * cannot be reached and `Timeout` when one that is alive does not answer in time.
   */
  async peers(): Promise<PeerRef<Data, Identity>[]> {
    const local: PeerRef<Data, Identity>[] = [...this.#chosen()];
    if (!this.#scope.spans) return local;
    const remote = await this.#scope.adapter.peers(this.#selection());
    return local.concat(remote.map((snapshot) => toRemotePeer<Data, Identity>(snapshot, this.#scope)));
  }

  /** How many peers are aimed at, now, on every node: `await server.in('order:42').count()`. Rejects as `peers()` does. */
  async count(): Promise<number> {
    const local = this.#chosen().size;
    return this.#scope.spans ? local + (await this.#scope.adapter.count(this.#selection())) : local;
  }

  #chosen(): Set<Peer<Data, Identity>> {
    return this.#scope.select(this.#selection(), this.#aim.exceptPeers);
  }

  #selection(): PeerSelection {
    const { rooms, exceptRooms, exceptNames, exceptSessions } = this.#aim;
    const selection = { rooms: [...rooms], exceptRooms: [...exceptRooms], exceptPeers: [...exceptNames] };
    return exceptSessions.size === 0 ? selection : { ...selection, exceptSessions: [...exceptSessions] };
  }
}

function toRemotePeer<Data extends object, Identity extends object>(snapshot: PeerSnapshot, scope: BroadcastScope<Data, Identity>): RemotePeer<Data, Identity> {
  const peer: RemotePeer<Data, Identity> = {
    send: (object, options) => scope.sendTo(snapshot.node, snapshot.id, object, options, snapshot.session),
    id: snapshot.id,
    node: snapshot.node,
    rooms: new Set(snapshot.rooms),
    connected: snapshot.connected,
    // JSON copies, typed on the app's word as its peer.data and peer.identity (docs/scaling.md).
    data: snapshot.data as Data | undefined,
    identity: snapshot.identity as Identity | undefined,
  };
  if (snapshot.session !== undefined) sessionOf.set(peer, snapshot.session);
  return peer;
}
