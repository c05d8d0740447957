import { createHash } from 'node:crypto';
import { OonError, BadConnError } from '@oon/core';
import type { DisconnectReason, Logger } from '@oon/wire';
import { checkSessionProof, log, type Connection, type Hello, type ResumeProof, type SharedMessage } from '@oon/wire/internal';
import type { ClusterPayload, SessionClaim, SessionStore } from './adapter';
import type { SessionEntry, SessionTable } from './session-table';

/** SHA-256 (hex) of a token, as a cluster keeps it: a resuming client must bring the same token, and Redis never holds it. */
export function tokenDigest(token: string | undefined): string {
  return token === undefined ? '' : createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A session's peer, as the cluster keeps what is sent to it directly and restores its rooms. */
interface KeptPeer {
  keepSends(keep: (seq: number, shared: SharedMessage) => void): void;
  join(rooms: readonly string[]): void;
}

/** What {@link ClusterSessions} needs of its server's cluster. */
interface SessionsCluster<P> {
  readonly adapter: { readonly sessions?: SessionStore | undefined };
  /** The name a peer of this node goes by in the cluster (`node/id`). */
  nameOf(peer: P): string;
  /** A message as the cluster keeps it, or the `BadData` if it cannot be encoded. */
  payloadOf(shared: SharedMessage): ClusterPayload | OonError;
  /** Sends a peer that took its session over what the cluster kept that its client may lack. */
  replay(peer: P, claim: SessionClaim): Promise<{ direct: number; broadcasts: number }>;
}

/** What {@link ClusterSessions} needs of its server. */
export interface SessionsServer<P> {
  readonly cluster: SessionsCluster<P>;
  /** This node's own sessions: a claimed one is adopted into it. */
  readonly table: SessionTable<P>;
  readonly logger: Logger | undefined;
  /** True once the server is closing: a claim that resolves then is dropped. */
  closing(): boolean;
  fault(error: OonError, peer?: P): void;
  /** Ends a session for good; `lossCounts` false when another node has what it held. */
  end(entry: SessionEntry<P>, reason: DisconnectReason, lossCounts: boolean): void;
}

/**
 * A server's sessions as its cluster keeps them (docs/scaling.md, "Resuming on another
 * node"): each session granted here is written to the adapter's {@link SessionStore}
 * with its peer's rooms and what is sent to its peer directly; a client that names a
 * session this node does not have may resume it here if the store has it (taken over,
 * with what the cluster kept replayed); and a session another node took over is let go
 * here. Without a store (one node, or an adapter that keeps none) none of it happens.
 */
export class ClusterSessions<P extends KeptPeer> {
  readonly #server: SessionsServer<P>;
  readonly #store: SessionStore | undefined;
  /** The sessions this node wrote to the store: only those are forgotten there when they end here. */
  readonly #kept = new Set<string>();

  constructor(server: SessionsServer<P>) {
    this.#server = server;
    this.#store = server.cluster.adapter.sessions;
  }

  /**
   * A session's peer opened here: the cluster keeps the session, and what its peer is
   * sent directly. One taken over from a node that died (its entry holds the claim) also
   * gets its rooms back and what the cluster kept that its client may lack.
   */
  opened(peer: P, entry: SessionEntry<P>): void {
    const { claim } = entry;
    if (claim === undefined) {
      this.#keep(peer, entry, []);
      return;
    }
    entry.claim = undefined;
    peer.join(claim.record.rooms);
    this.#keep(peer, entry, claim.record.rooms, claim);
    this.#replay(peer, entry, claim);
  }

  #keep(peer: P, entry: SessionEntry<P>, rooms: readonly string[], claim?: SessionClaim): void {
    const store = this.#store;
    if (store === undefined) return;
    const { id } = entry.session;
    this.#kept.add(id);
    store.open({ id, secret: entry.secret, token: tokenDigest(entry.token), rooms, name: this.#server.cluster.nameOf(peer) }, claim);
    peer.keepSends((seq, shared) => {
      if (!this.#kept.has(id)) return;
      // One the binary codec cannot encode was refused by the peer's link too, or is one the cluster could not carry anyway.
      const payload = this.#server.cluster.payloadOf(shared);
      if (!(payload instanceof OonError)) store.sent(id, seq, payload);
    });
  }

  /**
   * What the cluster's log holds that the client may lack is sent to it (after what the
   * client had not acknowledged, which the client resends on its own).
   */
  #replay(peer: P, entry: SessionEntry<P>, claim: SessionClaim): void {
    const { logger } = this.#server;
    this.#server.cluster.replay(peer, claim).then(
      ({ direct, broadcasts }) =>
        log(logger, 'info', `client ${String(peer)} resumed session ${entry.session.id} of another node: sent again ${direct} messages kept for it and ${broadcasts} broadcasts of the cluster's log`, { event: 'takeover', peer: String(peer), replayed: broadcasts, direct }),
      (err: unknown) => this.#server.fault(err instanceof OonError ? err : new BadConnError(String(err), { cause: err }), peer),
    );
  }

  /** The rooms of session `id`'s peer changed. */
  roomsChanged(id: string | undefined, rooms: readonly string[]): void {
    if (id !== undefined && this.#kept.has(id)) this.#store?.rooms(id, rooms);
  }

  /** Session `id` ended here for good. */
  ended(id: string): void {
    if (this.#kept.delete(id)) this.#store?.close(id);
  }

  /**
   * The session a client's hello names that this node does not have, taken over from
   * the cluster (its node died) if the cluster kept it, the client proves its secret and
   * brings the token that opened it: adopted into this node's table. `undefined` when it
   * is not (a new session is granted); why a session the cluster has was not resumed is
   * reported as a `BadConn` fault.
   */
  async claim(hello: Hello, proof: ResumeProof | undefined, connection: Connection): Promise<SessionEntry<P> | undefined> {
    const id = hello.session?.id;
    if (this.#store === undefined || id === undefined || proof === undefined) return undefined;
    const outcome = await this.#claimed(this.#store, id, hello, proof);
    if (outcome === undefined || this.#server.closing()) return undefined;
    if ('refused' in outcome) {
      const message = `client ${connection.describePeer()} named session ${id}, kept by the cluster for another node, ${outcome.refused}: not resumed (a new session was granted)`;
      this.#server.fault(new BadConnError(message));
      return undefined;
    }
    return this.#server.table.adopt(outcome.claim, hello, connection);
  }

  /** The store's claim on session `id`, or why it was turned down; `undefined` when the store has no such session. */
  async #claimed(store: SessionStore, id: string, hello: Hello, proof: ResumeProof): Promise<{ readonly claim: SessionClaim } | { readonly refused: string } | undefined> {
    let claim: SessionClaim | undefined;
    try {
      claim = await store.claim(id, hello.session?.received ?? 0);
    } catch (err) {
      return { refused: `the cluster could not be asked for it (${err instanceof OonError ? err.message : String(err)})` };
    }
    if (claim === undefined) return undefined;
    if (!(await checkSessionProof(claim.record.secret, proof.nonce, id, proof.proof))) return { refused: 'without proof of its secret' };
    if (claim.record.token !== tokenDigest(hello.token)) return { refused: 'with another token than the one that opened it' };
    if (claim.incomplete !== undefined) return { refused: `but ${claim.incomplete}` };
    return { claim };
  }

  /**
   * Node `node` took over session `id`: its client resumed there (this node was stopped,
   * or the client was sent elsewhere). The copy here lets it go: its link (a dead one
   * this node had not noticed) is closed and the session ends with reason `remote close`,
   * with no `'loss'`, since the other node replays what this one held.
   */
  moved(id: string, node: string): void {
    const entry = this.#server.table.get(id);
    if (entry === undefined || entry.session.ended) return;
    const stale = entry.connection;
    entry.connection = undefined;
    if (stale !== undefined) void stale.close(false);
    log(this.#server.logger, 'info', `session ${id} was resumed on node ${node}: this node lets it go`, { event: 'moved', node });
    this.#server.end(entry, 'remote close', false);
  }
}
