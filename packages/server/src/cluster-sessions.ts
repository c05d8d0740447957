import { createHash } from 'node:crypto';
import { OonError, BadConnError } from '@oon/core';
import { checkSessionProof, type Hello, type ResumeProof, type SharedMessage } from '@oon/wire/internal';
import type { ClusterPayload, SessionClaim, SessionStore } from './adapter';

/** SHA-256 (hex) of a token, as a cluster keeps it: a resuming client must bring the same token, and Redis never holds it. */
export function tokenDigest(token: string | undefined): string {
  return token === undefined ? '' : createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Why a claim on another node's session was turned down, or the claim. */
export type ClaimOutcome = { readonly claim: SessionClaim } | { readonly refused: string } | undefined;

/** A session's peer, as the cluster keeps what is sent to it directly. */
interface KeptPeer {
  keepSends(keep: (seq: number, shared: SharedMessage) => void): void;
}

/** What {@link ClusterSessions} needs of its server's cluster. */
interface SessionsCluster<P> {
  readonly adapter: { readonly sessions?: SessionStore | undefined };
  /** The name a peer of this node goes by in the cluster (`node/id`). */
  nameOf(peer: P): string;
  /** A message as the cluster keeps it, or the `BadData` if it cannot be encoded. */
  payloadOf(shared: SharedMessage): ClusterPayload | OonError;
}

/**
 * A server's sessions as its cluster keeps them (docs/scaling.md, "Resuming on another
 * node"): each session granted here is written to the adapter's {@link SessionStore}
 * with its peer's rooms and what is sent to its peer directly, and a client that names
 * a session this node does not have may resume it here if the store has it. Without a
 * store (one node, or an adapter that keeps none) every call does nothing.
 */
export class ClusterSessions<P extends KeptPeer> {
  readonly #cluster: SessionsCluster<P>;
  readonly #store: SessionStore | undefined;
  /** The sessions this node wrote to the store: only those are forgotten there when they end here. */
  readonly #kept = new Set<string>();

  constructor(cluster: SessionsCluster<P>) {
    this.#cluster = cluster;
    this.#store = cluster.adapter.sessions;
  }

  /**
   * Session `session.id`'s peer opened here (or, with `claim`, took the session over from
   * another node): the cluster keeps the session, and what its peer is sent directly.
   */
  kept(peer: P, session: { readonly id: string; readonly secret: Uint8Array; readonly token: string | undefined }, rooms: readonly string[], claim?: SessionClaim): void {
    const store = this.#store;
    if (store === undefined) return;
    const { id, secret, token } = session;
    this.#kept.add(id);
    store.open({ id, secret, token: tokenDigest(token), rooms, name: this.#cluster.nameOf(peer) }, claim);
    peer.keepSends((seq, shared) => {
      if (!this.#kept.has(id)) return;
      // One the binary codec cannot encode was refused by the peer's link too, or is one the cluster could not carry anyway.
      const payload = this.#cluster.payloadOf(shared);
      if (!(payload instanceof OonError)) store.sent(id, seq, payload);
    });
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
   * The session a client's hello names, kept by the cluster for a node that no longer
   * has it: claimed if the client proves its secret and brings the token that opened it.
   * `undefined` when the cluster has no such session (or none is kept); `refused` says why
   * a session the cluster has was not resumed.
   */
  async claim(hello: Hello, proof: ResumeProof | undefined): Promise<ClaimOutcome> {
    const id = hello.session?.id;
    if (this.#store === undefined || id === undefined || proof === undefined) return undefined;
    let claim: SessionClaim | undefined;
    try {
      claim = await this.#store.claim(id, hello.session?.received ?? 0);
    } catch (err) {
      return { refused: `the cluster could not be asked for it (${err instanceof OonError ? err.message : String(err)})` };
    }
    if (claim === undefined) return undefined;
    if (!(await checkSessionProof(claim.record.secret, proof.nonce, id, proof.proof))) return { refused: 'without proof of its secret' };
    if (claim.record.token !== tokenDigest(hello.token)) return { refused: 'with another token than the one that opened it' };
    if (claim.incomplete !== undefined) return { refused: `but ${claim.incomplete}` };
    return { claim };
  }
}

/** The `BadConn` a server reports when a session kept by the cluster could not be resumed here. */
export function unclaimed(client: string, id: string, refused: string): BadConnError {
  return new BadConnError(`client ${client} named session ${id}, kept by the cluster for another node, ${refused}: not resumed (a new session was granted)`);
}
