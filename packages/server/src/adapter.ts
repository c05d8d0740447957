import type { NetMessageOptions, OonError } from '@oon/core';
import type { CodecOptions, Logger } from '@oon/wire';
import type { Room } from './rooms';

/**
 * Which peers a broadcast reaches, in terms that travel between nodes: room names, and
 * peers named by node and id or by session. A node reaches its own peers in any of
 * `rooms` (every peer when empty) less those in any of `exceptRooms`, those
 * `exceptPeers` names and those whose session `exceptSessions` names.
 */
export interface PeerSelection {
  /** The rooms aimed at; empty aims at every peer. */
  readonly rooms: readonly Room[];
  /** Peers in any of these rooms are left out. */
  readonly exceptRooms: readonly Room[];
  /** Peers left out, each as `node/id` (`node` the id of the node it is on). */
  readonly exceptPeers: readonly string[];
  /**
   * Peers left out by their session's id, when the cluster keeps it ({@link PeerSnapshot.session}):
   * wherever the session is now, though `exceptPeers` names the peer on the node it has left.
   * Omitted when none.
   */
  readonly exceptSessions?: readonly string[];
}

/**
 * An object encoded once for every node of a cluster: by OON's binary codec, with the
 * message id every peer sees (inside `bytes`). Nodes whose `schema` key is their own deliver `bytes` to
 * their binary-codec peers as they are; the others decode and encode it again.
 */
export interface ClusterPayload {
  /** Field names left out at every depth (the sender's `ignore` option). */
  readonly ignore: readonly string[];
  /** The encoding's key: the sending node's schema hash and codec options that change the bytes. */
  readonly schema: string;
  /** The payload as the binary codec wrote it. */
  readonly bytes: Uint8Array;
}

/**
 * A peer of the cluster as `server.in(room).peers()` returns it when it is on another
 * node: what that node said of it when asked. `data` and `identity` are JSON copies taken
 * then: plain values arrive as they were, class instances as plain objects, `Map`s and
 * `Set`s as `{}`; a value JSON cannot carry (a cycle, a `bigint`) leaves it `undefined`.
 */
export interface RemotePeer<Data extends object = Record<string, unknown>, Identity extends object = object> {
  /** The peer's id on its node (`peer.id` there). */
  readonly id: string;
  /** The id of the node it is connected to. */
  readonly node: string;
  /** The rooms it was in. */
  readonly rooms: ReadonlySet<Room>;
  /** True if its link was up; false while its session waited for it to reconnect. */
  readonly connected: boolean;
  /** A JSON copy of its `peer.data` (see above). */
  readonly data: Data | undefined;
  /** A JSON copy of its `peer.identity` (see above). */
  readonly identity: Identity | undefined;
  /**
   * Sends one object to this peer through its node (docs/scaling.md, "Sending to one peer
   * on another node"): encoded here by the binary codec, revived on its node and sent
   * there as `peer.send()` sends. A peer with a session the cluster keeps is followed: the
   * object goes to whichever node holds its session now (it may have moved since `peers()`),
   * and while the session is between nodes (its node died, its client not yet back) the
   * cluster keeps the object for the node that takes the session over.
   *
   * Resolves once the peer's node has handed it to the peer's link (or held it in the
   * peer's session while it reconnects), or once the cluster keeps it for the session's
   * next node. Rejects with `BadConn` when the peer is gone (its session ended, or its
   * resume window passed: the message says so), its node is gone and its session is not
   * kept, Redis cannot be reached, or the peer's own `send()` rejects so; `BadData` when
   * the object cannot be encoded or the peer cannot take it; `Timeout` when its node is
   * alive and does not answer within the adapter's `requestTimeout`.
   */
  send(object: object, options?: NetMessageOptions): Promise<void>;
}

/** A peer as a node describes it to the others: {@link RemotePeer} before it is typed. */
export interface PeerSnapshot {
  /** The peer's id on its node. */
  readonly id: string;
  /** The node it is on. */
  readonly node: string;
  /** The rooms it is in. */
  readonly rooms: readonly Room[];
  /** True while its link is up. */
  readonly connected: boolean;
  /** A JSON copy of its `data`, if JSON can carry it. */
  readonly data?: unknown;
  /** A JSON copy of its `identity`, if it has one JSON can carry. */
  readonly identity?: unknown;
  /** Its session's id, when the cluster keeps the session: a send to the peer follows it to whichever node holds it. */
  readonly session?: string;
}

/**
 * A session as a cluster keeps it, so that another node can resume it when the node
 * holding it dies (docs/scaling.md, "Resuming on another node").
 */
export interface SessionRecord {
  /** The session id, as the hellos carry it. */
  readonly id: string;
  /** The session's secret: a resuming client proves it holds it. */
  readonly secret: Uint8Array;
  /** SHA-256 (hex) of the token that opened it; empty without a token. */
  readonly token: string;
  /** The rooms its peer is in. */
  readonly rooms: readonly Room[];
  /**
   * Its peer's name on the node that keeps it (`node/id`, as {@link PeerSelection.exceptPeers}
   * names peers), so that a broadcast that left it out still leaves it out when replayed on another node.
   */
  readonly name: string;
}

/** Where one of this node's sessions stands: the seq of its last message to the client, and the last the client acknowledged. */
export interface SessionProgress {
  /** The session id. */
  readonly id: string;
  /** The seq of the last message given to the session. */
  readonly sent: number;
  /** The highest seq the client acknowledged. */
  readonly acknowledged: number;
}

/** Another node's session, claimed by this one for a client that asks to resume it here. */
export interface SessionClaim {
  /** What the cluster kept of the session. */
  readonly record: SessionRecord;
  /**
   * Set when the cluster no longer holds all the client may lack (its log passed its
   * cap or window since the client last acknowledged): resuming would lose messages, so
   * the client gets a new session. Says why.
   */
  readonly incomplete: string | undefined;
  /**
   * Hands `send` each object sent to the session directly that the client may lack (sent
   * by its node after what the client says it received, or kept for it by the cluster
   * while it was between nodes), in order; then `deliver` each broadcast of the cluster's
   * log that the client may lack, oldest first. Call it once the session's peer is in its
   * rooms here and the session is this node's ({@link SessionStore.open}), so what is
   * sent from then on reaches it live. Rejects with `BadConn` if Redis cannot be read.
   */
  replay(send: (payload: ClusterPayload) => void, deliver: (selection: PeerSelection, payload: ClusterPayload) => void): Promise<void>;
}

/**
 * The part of an {@link Adapter} that lets a session outlive its node: what must outlive
 * it is kept in the cluster (Redis), so that a client whose node died resumes on another.
 */
export interface SessionStore {
  /** A session was granted here, or taken over (`claim`): keep it for the other nodes. */
  open(record: SessionRecord, claim?: SessionClaim): void;
  /** The rooms of session `id`'s peer changed. */
  rooms(id: string, rooms: readonly Room[]): void;
  /**
   * Session `id`'s peer was sent `payload` directly (not by a broadcast) as message `seq`:
   * keep it until the client acknowledges `seq`, so that the session's next node can send
   * it again should this one die.
   */
  sent(id: string, seq: number, payload: ClusterPayload): void;
  /** Session `id` ended here for good (closed, window passed, evicted): forget it. */
  close(id: string): void;
  /**
   * Another node's session `id`, for a client that says it received every message up to
   * `received`; `undefined` when the cluster holds none (never granted, ended, or
   * expired). Rejects with `BadConn` when the cluster cannot be reached.
   */
  claim(id: string, received: number): Promise<SessionClaim | undefined>;
}

/**
 * What a server lends its {@link Adapter}: how messages from other nodes reach this
 * node's peers and listeners, and what this node answers when asked.
 */
export interface AdapterHost {
  /** The server's codec options: what the cluster encodes and decodes by. */
  readonly codecOptions: CodecOptions;
  /** The server's logger, if it has one. */
  readonly logger: Logger | undefined;
  /**
   * Delivers a broadcast another node published to this node's peers it aims at;
   * throws `BadData` if `payload` does not decode (nothing is delivered). Aimed at none
   * of them, it does nothing: the payload is not decoded.
   */
  deliver(selection: PeerSelection, payload: ClusterPayload): void;
  /** This node's peers `selection` aims at, as the other nodes see them. */
  describe(selection: PeerSelection): PeerSnapshot[];
  /** How many of this node's peers `selection` aims at. */
  count(selection: PeerSelection): number;
  /**
   * A server-side message from node `node`: decoded and emitted as `'serverMessage'`;
   * throws `BadData` if it does not decode.
   */
  receive(payload: ClusterPayload, node: string): void;
  /** A fault with no promise to report it to: logged, and emitted as the server's `'error'`. */
  fault(error: OonError): void;
  /** Node `node` stopped answering (its heartbeat lapsed): its peers are no longer in any room; emitted as `'nodeDown'`. */
  nodeDown(node: string): void;
  /**
   * Sends what another node's `RemotePeer.send()` sent to this node's peer `peer` (its
   * id), or, with `session`, to the peer of that session: revived, then sent as
   * `peer.send()` sends. Resolves `false` when no peer of this node is the one named (it
   * is gone, or its session moved), else once sent; rejects as `peer.send()` does, and
   * with `BadData` when `payload` does not decode.
   */
  sendTo(peer: string, payload: ClusterPayload, session?: string): Promise<boolean>;
  /** Milliseconds a session waits for its client (`resumeWindow`); 0 when sessions are off. */
  readonly resumeWindow: number;
  /** Where each of this node's live sessions stands, for the cluster's checkpoints. */
  sessions(): Iterable<SessionProgress>;
  /** Node `node` took over session `id`: if this node still has it, it lets it go (its client is there now). */
  sessionMoved(id: string, node: string): void;
}

/**
 * The part of a server that spans nodes: the seam between `@oon/server` and a cluster
 * such as `@oon/redis`, shaped after socket.io's `Adapter`. The server keeps its own
 * peers and rooms (in memory, as on one node) and asks the adapter for what lies beyond
 * them: a broadcast is delivered here and published once to the other nodes, which
 * deliver it to theirs; `peers()` and `count()` ask the other nodes. Without one (the
 * default) a server knows no other node, and these are today's one-node behaviour.
 */
export interface Adapter {
  /** This node's id in the cluster: what {@link RemotePeer.node} names it by. */
  readonly node: string;
  /** Joins the cluster; `listen()` awaits it and rejects with its `StartFail`. */
  start(): Promise<void>;
  /** Leaves the cluster (the others stop counting this node's peers at once); `close()` awaits it. */
  stop(): Promise<void>;
  /** Publishes a broadcast to every other node; rejects with `BadConn` when they cannot be reached. */
  publish(selection: PeerSelection, payload: ClusterPayload): Promise<void>;
  /** The other nodes' peers `selection` aims at; rejects with `BadConn` or `Timeout`. */
  peers(selection: PeerSelection): Promise<PeerSnapshot[]>;
  /** How many of the other nodes' peers `selection` aims at; rejects with `BadConn` or `Timeout`. */
  count(selection: PeerSelection): Promise<number>;
  /** Sends a server-side message to every other node's server; rejects with `BadConn` when they cannot be reached. */
  emit(payload: ClusterPayload): Promise<void>;
  /**
   * Sends an object to peer `peer` (its id) of node `node`, and resolves once that node
   * has sent it ({@link AdapterHost.sendTo} there); rejects with that node's error, with
   * `BadConn` when the node is gone or cannot be reached, and `Timeout` when it does not
   * answer. With `session` (the peer's, kept by the cluster), it follows the session to
   * the node that holds it now, or has the cluster keep it while the session is between
   * nodes, as {@link RemotePeer.send} says.
   */
  sendTo(node: string, peer: string, payload: ClusterPayload, session?: string): Promise<void>;
  /** Keeps sessions in the cluster so that they outlive this node; absent, a session lives and dies with its node. */
  readonly sessions?: SessionStore | undefined;
}

/** Makes a server's {@link Adapter}: the `adapter` option of `OonServer` (`redisAdapter({ url })` from `@oon/redis`). */
export type AdapterFactory = (host: AdapterHost) => Adapter;
