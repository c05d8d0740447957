import { BadConnError, BadDataError, NetMessage, OonError, newMessageId, type NetMessageOptions } from '@oon/core';
import type { CodecOptions, Logger } from '@oon/wire';
import { settle, type SendOutcome, type SharedMessage } from '@oon/wire/internal';
import type { Adapter, AdapterFactory, AdapterHost, ClusterPayload, PeerSelection, PeerSnapshot, SessionClaim, SessionProgress } from './adapter';
import { ClusterCodec } from './cluster-payload';
import { HeardBroadcasts } from './heard-broadcasts';
import type { RoomIndex, RoomSelection } from './rooms';

/** A peer as the cluster part of a server needs it. */
interface ClusterPeer {
  readonly id: string;
  /** Its session's id; `undefined` without one. */
  readonly sessionId: string | undefined;
  send(object: object, options?: NetMessageOptions): Promise<void>;
  /** `send()` of a message encoded once for the cluster too, with a refusal returned. */
  sendShared(shared: SharedMessage): SendOutcome;
  readonly rooms: ReadonlySet<string>;
  readonly connected: boolean;
  readonly data: object;
  readonly identity: object | undefined;
}

/** What the cluster part reads of its server, and how it reaches the server's listeners. */
export interface ClusterServer<P extends ClusterPeer> {
  /** Every peer of this node. */
  all(): Iterable<P>;
  /** Who is in which room, on this node. */
  readonly rooms: RoomIndex<P>;
  readonly codecOptions: CodecOptions;
  readonly logger: Logger | undefined;
  /** Hands broadcasts from other nodes, each in turn, to each of `peers`. */
  deliver(peers: Iterable<P>, shared: readonly SharedMessage[]): void;
  /** A server-side message arrived from `node`. */
  serverMessage(object: object, node: string): void;
  fault(error: OonError): void;
  nodeDown(node: string): void;
  /** Milliseconds a session waits for its client; 0 when sessions are off. */
  readonly resumeWindow: number;
  /** Where each live session of this node stands. */
  sessions(): Iterable<SessionProgress>;
  /** Another node took over session `id`. */
  sessionMoved(id: string, node: string): void;
}

/** The one node of a server without an adapter: no other node to publish to or ask. */
function memoryAdapter(): Adapter {
  return {
    node: newMessageId(),
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
    publish: () => Promise.resolve(),
    peers: () => Promise.resolve([]),
    count: () => Promise.resolve(0),
    emit: () => Promise.resolve(),
    sendTo: (node) => Promise.reject(new BadConnError(`node ${node} is not in this server's cluster: a server without an adapter has no other node`)),
  };
}

/** A JSON copy of `value`, or `undefined` if JSON cannot carry it (a cycle, a bigint). */
function jsonCopy(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A server's part in a cluster: its adapter (the in-memory one by default), and the
 * translation between its peers and what travels between nodes.
 */
export class Cluster<P extends ClusterPeer> {
  readonly #server: ClusterServer<P>;
  readonly #codec: ClusterCodec;
  /** Broadcasts from other nodes, handed out once the run of Redis messages they came in ends. */
  readonly #heard: HeardBroadcasts<P>;
  readonly adapter: Adapter;
  /** True when the server has an adapter: there may be other nodes. */
  readonly spans: boolean;

  constructor(server: ClusterServer<P>, factory: AdapterFactory | undefined) {
    this.#server = server;
    this.#codec = new ClusterCodec(server.codecOptions);
    this.#heard = new HeardBroadcasts<P>((peers, shared) => server.deliver(peers, shared));
    this.spans = factory !== undefined;
    this.adapter = factory === undefined ? memoryAdapter() : factory(this.#host());
  }

  /** This node's id. */
  get node(): string {
    return this.adapter.node;
  }

  /** The name a peer of this node goes by in a {@link PeerSelection}. */
  nameOf(peer: P): string {
    return `${this.node}/${peer.id}`;
  }

  /** The id of `peer`'s session when the cluster keeps it (it may move to another node), else `undefined`. */
  keptSession(peer: P): string | undefined {
    return this.adapter.sessions === undefined ? undefined : peer.sessionId;
  }

  /**
   * Publishes a broadcast to the other nodes (encoded once: its binary-codec peers here
   * share the bytes); resolves with the error when they could not be reached (never rejects).
   */
  async publish(selection: PeerSelection, shared: SharedMessage): Promise<OonError | undefined> {
    if (!this.spans) return undefined;
    const payload = this.#codec.encodeShared(shared);
    if (payload instanceof OonError) return payload;
    try {
      await this.adapter.publish(selection, payload);
      return undefined;
    } catch (err) {
      return err instanceof OonError ? err : new BadDataError(`publishing to the cluster failed: ${String(err)}`, { cause: err });
    }
  }

  /** Sends a server-side message to every other node; rejects with `BadData` if it cannot be encoded, `BadConn` if they cannot be reached. */
  async emit(object: object, options: NetMessageOptions | undefined): Promise<void> {
    const payload = this.#codec.encode(new NetMessage(object, options));
    await this.adapter.emit(payload);
  }

  /**
   * Sends one object to peer `id` of node `node` (a `RemotePeer`'s `send()`), through the
   * adapter, following the peer's `session` when it has one the cluster keeps; to this
   * node's own peer when `node` is this one. Rejects as `RemotePeer.send()` says.
   */
  async sendTo(node: string, id: string, object: object, options: NetMessageOptions | undefined, session: string | undefined): Promise<void> {
    if (node === this.node) {
      const peer = this.#find(id, undefined);
      if (peer === undefined) throw new BadConnError(`peer ${id} is not on node ${this.node}: it is gone (disconnected, or its session ended)`);
      await peer.send(object, options);
      return;
    }
    // Encoded here (a `BadData` rejects this send), so the other node revives what was meant. A
    // send that follows a session may reach it twice (docs/scaling.md): with one id both times.
    const message = new NetMessage(object, session === undefined ? options : { ...options, uuid: options?.uuid ?? newMessageId() });
    await this.adapter.sendTo(node, id, this.#codec.encode(message), session);
  }

  /** This node's peer of session `session` if given, else of id `id`; `undefined` when it has none (gone, or moved). */
  #find(id: string, session: string | undefined): P | undefined {
    for (const peer of this.#server.all()) if (session === undefined ? peer.id === id : peer.sessionId === session) return peer;
    return undefined;
  }

  /** `shared` as the cluster keeps it (binary codec: the bytes binary-codec peers get), or the `BadData` if it cannot be encoded. */
  payloadOf(shared: SharedMessage): ClusterPayload | OonError {
    return this.#codec.encodeShared(shared);
  }

  /**
   * This node's peers `selection` aims at. `exceptPeers`, when the caller holds them,
   * saves looking up by name the peers of this node it leaves out; those it leaves out by
   * session are looked up here either way (a session may have moved here since).
   */
  select(selection: PeerSelection, exceptPeers?: ReadonlySet<P>): Set<P> {
    const local: RoomSelection<P> = { rooms: new Set(selection.rooms), exceptRooms: new Set(selection.exceptRooms), exceptPeers: this.#excepted(selection, exceptPeers) };
    return this.#server.rooms.select(this.#server.all(), local);
  }

  /** This node's peers `selection` leaves out: `held` (else those it names), and those of the sessions it names. */
  #excepted(selection: PeerSelection, held: ReadonlySet<P> | undefined): ReadonlySet<P> {
    const names = held === undefined && selection.exceptPeers.length > 0 ? new Set(selection.exceptPeers) : undefined;
    const sessions = selection.exceptSessions !== undefined && selection.exceptSessions.length > 0 ? new Set(selection.exceptSessions) : undefined;
    if (names === undefined && sessions === undefined) return held ?? new Set();
    const peers = new Set(held);
    for (const peer of this.#server.all()) {
      if (names?.has(this.nameOf(peer)) === true || (peer.sessionId !== undefined && sessions?.has(peer.sessionId) === true)) peers.add(peer);
    }
    return peers;
  }

  /**
   * Hands `peer` (whose session was taken over from a dead node, and who is in its rooms
   * here) what the cluster kept that its client may lack: what was sent to it directly,
   * then the broadcasts of the cluster's log aimed at it. What does not decode is
   * reported and skipped; rejects with `BadConn` when Redis cannot be read.
   */
  async replay(peer: P, claim: SessionClaim): Promise<{ direct: number; broadcasts: number }> {
    const replayed = { direct: 0, broadcasts: 0 };
    const { name } = claim.record;
    const unreadable = (err: unknown, what: string): void =>
      this.#server.fault(err instanceof OonError ? err : new BadDataError(`${what} kept by the cluster could not be read: ${String(err)}`, { cause: err }));
    const send = (payload: ClusterPayload): void => {
      try {
        const outcome = peer.sendShared(this.#codec.decodeShared(payload));
        if (outcome instanceof OonError) throw outcome;
        replayed.direct += 1;
      } catch (err) {
        unreadable(err, 'a message for the session');
      }
    };
    await claim.replay(send, (selection, payload) => {
      // Left out by its name on the node it came from: still left out.
      if (!this.#aims(selection, peer) || selection.exceptPeers.includes(name)) return;
      try {
        this.#server.deliver([peer], [this.#codec.decodeShared(payload)]);
        replayed.broadcasts += 1;
      } catch (err) {
        unreadable(err, "a broadcast of the cluster's log");
      }
    });
    return replayed;
  }

  /** Whether `selection` reaches `peer`: in one of its rooms (or it names none), in none of those excepted, and not named, by name or session. */
  #aims(selection: PeerSelection, peer: P): boolean {
    const { rooms } = peer;
    if (selection.rooms.length > 0 && !selection.rooms.some((room) => rooms.has(room))) return false;
    if (selection.exceptRooms.some((room) => rooms.has(room))) return false;
    if (peer.sessionId !== undefined && selection.exceptSessions?.includes(peer.sessionId) === true) return false;
    return !selection.exceptPeers.includes(this.nameOf(peer));
  }

  /** How a peer of this node looks from another node. */
  describe(peer: P): PeerSnapshot {
    const snapshot: { -readonly [K in keyof PeerSnapshot]: PeerSnapshot[K] } = { id: peer.id, node: this.node, rooms: [...peer.rooms], connected: peer.connected };
    const data = jsonCopy(peer.data);
    const identity = jsonCopy(peer.identity);
    if (data !== undefined) snapshot.data = data;
    if (identity !== undefined) snapshot.identity = identity;
    const session = this.keptSession(peer);
    if (session !== undefined) snapshot.session = session;
    return snapshot;
  }

  #host(): AdapterHost {
    const server = this.#server;
    return {
      codecOptions: server.codecOptions,
      logger: server.logger,
      deliver: (selection, payload) => this.#heard.hear(selection, (aim) => this.select(aim), () => this.#codec.decodeShared(payload)),
      describe: (selection) => [...this.select(selection)].map((peer) => this.describe(peer)),
      count: (selection) => this.select(selection).size,
      // What else arrives waits for the broadcasts heard before it, and may change whom the next reach.
      receive: (payload, node) => {
        this.#heard.flush();
        server.serverMessage(this.#codec.decode(payload).object, node);
      },
      fault: (error) => server.fault(error),
      nodeDown: (node) => {
        this.#heard.flush();
        server.nodeDown(node);
      },
      sendTo: async (id, payload, session) => {
        this.#heard.flush();
        const peer = this.#find(id, session);
        if (peer === undefined) return false;
        await settle(peer.sendShared(this.#codec.decodeShared(payload)));
        return true;
      },
      resumeWindow: server.resumeWindow,
      sessions: () => server.sessions(),
      sessionMoved: (id, node) => {
        this.#heard.flush();
        server.sessionMoved(id, node);
      },
    };
  }
}
