/** A room's name: any string the app chooses (`'order:42'`). */
export type Room = string;

/**
 * Which peers a broadcast reaches: those in any of `rooms` (every peer when empty), less
 * those in any of `exceptRooms` and those in `exceptPeers`.
 */
export interface RoomSelection<P> {
  readonly rooms: ReadonlySet<Room>;
  readonly exceptRooms: ReadonlySet<Room>;
  readonly exceptPeers: ReadonlySet<P>;
}

/**
 * Who is in which room, on this node: the in-memory adapter, the one place that knows.
 * Shaped after socket.io's `Adapter` (`addAll`, `del`, `delAll`, `sockets`), so that an
 * adapter that spans nodes (Redis, issue 14 part 2) can stand behind the same
 * `peer.join()` and `server.to()`.
 */
export class RoomIndex<P> {
  readonly #members = new Map<Room, Set<P>>();
  readonly #roomsOf = new Map<P, Set<Room>>();
  static readonly #none: ReadonlySet<Room> = new Set();
  /** Told of each peer whose rooms changed (a cluster keeps a session's rooms). */
  readonly #changed: (peer: P) => void;

  constructor(changed: (peer: P) => void = () => {}) {
    this.#changed = changed;
  }

  /** Puts `peer` in each of `rooms` (again is a no-op). */
  join(peer: P, rooms: Iterable<Room>): void {
    let own = this.#roomsOf.get(peer);
    let changed = false;
    for (const room of rooms) {
      if (own === undefined) this.#roomsOf.set(peer, (own = new Set()));
      if (own.has(room)) continue;
      changed = true;
      own.add(room);
      let members = this.#members.get(room);
      if (members === undefined) this.#members.set(room, (members = new Set()));
      members.add(peer);
    }
    if (changed) this.#changed(peer);
  }

  /** Takes `peer` out of `room`; a room left empty is forgotten, so rooms cost nothing once left. */
  leave(peer: P, room: Room): void {
    const own = this.#roomsOf.get(peer);
    if (own === undefined || !own.delete(room)) return;
    if (own.size === 0) this.#roomsOf.delete(peer);
    const members = this.#members.get(room);
    members?.delete(peer);
    if (members?.size === 0) this.#members.delete(room);
    this.#changed(peer);
  }

  /** Takes `peer` out of every room (it is gone). */
  leaveAll(peer: P): void {
    for (const room of [...this.roomsOf(peer)]) this.leave(peer, room);
  }

  /** The rooms `peer` is in. */
  roomsOf(peer: P): ReadonlySet<Room> {
    return this.#roomsOf.get(peer) ?? RoomIndex.#none;
  }

  /** How many peers are in `room`. */
  count(room: Room): number {
    return this.#members.get(room)?.size ?? 0;
  }

  /** The peers `selection` reaches, each once, from `all` (every peer) when it names no room. */
  select(all: Iterable<P>, { rooms, exceptRooms, exceptPeers }: RoomSelection<P>): Set<P> {
    const chosen = new Set<P>();
    const add = (peer: P): void => {
      if (exceptPeers.has(peer)) return;
      for (const room of exceptRooms) if (this.#members.get(room)?.has(peer) === true) return;
      chosen.add(peer);
    };
    if (rooms.size === 0) for (const peer of all) add(peer);
    else for (const room of rooms) for (const peer of this.#members.get(room) ?? []) add(peer);
    return chosen;
  }
}
