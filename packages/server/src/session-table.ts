import { type DisconnectReason } from '@oon/wire';
import type { SessionClaim, SessionProgress } from './adapter';
import { checkSessionProof, isResumable, randomSecret, Session, toBase64, type Connection, type Hello, type ResumeProof, type SessionGrant, type SessionOptions } from '@oon/wire/internal';

/** The limits a session is made with. */
type SessionLimits = Pick<SessionOptions, 'maxBufferedBytes' | 'maxPendingBytes'>;

/** A client's session on the server, and what carries it now; `P` is the server's peer type. */
export interface SessionEntry<P> {
  readonly session: Session;
  /** The token the client authenticated with: only the same token may resume the session. */
  readonly token: string | undefined;
  /** Sent once, in the hello that granted the session: resuming takes proof of it. */
  readonly secret: Uint8Array;
  /** Set once the first link's handshake is done. */
  peer: P | undefined;
  /** The live link, if any; `undefined` while the session waits for the client. */
  connection: Connection | undefined;
  /** Ends the session when the resume window passes. */
  expiry: NodeJS.Timeout | undefined;
  /** When the link dropped (`Date.now()`), while the session waits for the client: set once per absence. */
  waitingSince: number | undefined;
  /** Set when the session was taken over from a node that died: what the cluster kept of it, until its peer opens here. */
  claim?: SessionClaim | undefined;
}

/**
 * The server's sessions, by id: grants a new one or resumes one a client names in its
 * hello, and keeps a session whose link dropped until its resume window passes.
 */
export class SessionTable<P> {
  readonly #entries = new Map<string, SessionEntry<P>>();
  readonly #byConnection = new WeakMap<Connection, SessionEntry<P>>();
  readonly #window: number;
  /** The limits each session is made with (its window comes from them). */
  readonly #limits: SessionLimits;
  readonly #maxSessions: number;
  /** Ends a session to make room for a new one (the server reports its loss). */
  readonly #evict: (entry: SessionEntry<P>) => void;
  /** Told of each session forgotten (the cluster forgets it too). */
  readonly #forgotten: (id: string) => void;

  constructor(options: { window: number; limits: SessionLimits; maxSessions: number; evict: (entry: SessionEntry<P>) => void; forgotten: (id: string) => void }) {
    this.#window = options.window;
    this.#limits = options.limits;
    this.#maxSessions = options.maxSessions;
    this.#evict = options.evict;
    this.#forgotten = options.forgotten;
  }

  /**
   * The live session a client's hello names, if `proof` shows the client holds its
   * secret: checked asynchronously (Web Crypto), before {@link SessionTable.grant}.
   */
  async proven(hello: Hello, proof: ResumeProof | undefined): Promise<SessionEntry<P> | undefined> {
    const id = hello.session?.id;
    const entry = id === undefined ? undefined : this.#entries.get(id);
    if (entry === undefined || entry.session.ended || proof === undefined) return undefined;
    return (await checkSessionProof(entry.secret, proof.nonce, entry.session.id, proof.proof)) ? entry : undefined;
  }

  /**
   * The session for a client's hello: the one it names, if the server still has it and
   * the client proved it holds the session's secret (`proven`, from
   * {@link SessionTable.proven}; a link the server still holds for it is then dropped),
   * else a new one. None if the client asked for none or sessions
   * are off (`resumeWindow: 0`). `refused` says why, when the hello named a live session
   * and did not get it: that session and its link are untouched.
   */
  grant(hello: Hello, connection: Connection, proven: SessionEntry<P> | undefined): (SessionGrant & { readonly refused: string | undefined }) | undefined {
    const wanted = hello.session;
    if (wanted === undefined || this.#window === 0) return undefined;
    const entry = wanted.id === undefined ? undefined : this.#entries.get(wanted.id);
    const live = entry !== undefined && !entry.session.ended;
    // A session id is not a credential: only its secret, and the token that opened it, resume it.
    let refused: string | undefined;
    if (live && proven !== entry) refused = 'without proof of its secret';
    else if (live && entry.token !== hello.token) refused = 'with another token than the one that opened it';
    if (live && refused === undefined) {
      clearTimeout(entry.expiry);
      entry.expiry = undefined;
      const stale = entry.connection;
      entry.connection = connection;
      this.#byConnection.set(connection, entry);
      // The client is back on a new link before the server saw the old one die.
      if (stale !== undefined) void stale.close(false);
      const { session } = entry;
      return {
        hello: { id: session.id, resumed: true, received: session.received, window: session.window, next: true },
        binding: { session, peerReceived: wanted.received, peerWindow: wanted.window, peerNext: wanted.next === true },
        refused,
      };
    }
    if (!this.#makeRoom()) return undefined;
    const session = new Session({ peer: connection.describePeer(), ...this.#limits });
    const secret = randomSecret();
    const fresh: SessionEntry<P> = { session, token: hello.token, secret, peer: undefined, connection, expiry: undefined, waitingSince: undefined };
    this.#entries.set(session.id, fresh);
    this.#byConnection.set(connection, fresh);
    return {
      hello: { id: session.id, resumed: false, received: 0, secret: toBase64(secret), window: session.window, next: true },
      binding: { session, peerReceived: 0, peerWindow: wanted.window, peerNext: wanted.next === true },
      refused,
    };
  }

  /**
   * Takes over a session the cluster kept for a node that no longer has it (a claim the
   * client proved): it continues here from what the client says it received, and the
   * client's resume goes on as for one of this node's ({@link SessionTable.grant}).
   * `undefined` when the table is full of live links.
   */
  adopt(claim: SessionClaim, hello: Hello, connection: Connection): SessionEntry<P> | undefined {
    if (this.#window === 0 || !this.#makeRoom()) return undefined;
    const { id, secret } = claim.record;
    const session = new Session({ id, peer: connection.describePeer(), ...this.#limits });
    session.continueFrom(hello.session?.received ?? 0);
    const entry: SessionEntry<P> = { session, token: hello.token, secret, peer: undefined, connection: undefined, expiry: undefined, waitingSince: undefined, claim };
    this.#entries.set(id, entry);
    return entry;
  }

  /**
   * Keeps the table under `maxSessions`: when full, the session that has waited longest
   * for its client is ended. False when every session has a live link: the new client
   * then gets a plain connection, without a session.
   */
  #makeRoom(): boolean {
    if (this.#entries.size < this.#maxSessions) return true;
    let oldest: SessionEntry<P> | undefined;
    for (const entry of this.#entries.values()) {
      // A link that is closing counts as gone: its session is about to wait.
      const waiting = entry.connection === undefined || !entry.connection.open;
      if (waiting && (oldest === undefined || (entry.waitingSince ?? 0) < (oldest.waitingSince ?? 0))) oldest = entry;
    }
    if (oldest === undefined) return false;
    this.#evict(oldest);
    return true;
  }

  /** The session a connection carries (or carried). */
  entryOf(connection: Connection): SessionEntry<P> | undefined {
    return this.#byConnection.get(connection);
  }

  /**
   * A connection closed: `'superseded'` if its session already runs on a newer link;
   * `'away'` if the session now waits for the client (then `onExpire` runs when the
   * window passes), `'still away'` if it already did (a link that failed to resume it);
   * else `'ended'`: the caller ends the session.
   */
  linkClosed(connection: Connection, reason: DisconnectReason, shuttingDown: boolean, onExpire: () => void): 'superseded' | 'away' | 'still away' | 'ended' {
    const entry = this.#byConnection.get(connection);
    if (entry === undefined) return 'ended';
    if (entry.connection !== connection) return 'superseded';
    entry.connection = undefined;
    if (shuttingDown || connection.peerClosedSession || entry.session.ended || !isResumable(reason)) return 'ended';
    entry.expiry = setTimeout(onExpire, this.#window);
    if (entry.waitingSince !== undefined) return 'still away';
    entry.waitingSince = Date.now();
    return 'away';
  }

  /** The client resumed its session on a live link: how long it was away, in ms (0 if the server never saw it leave). */
  back(entry: SessionEntry<P>): number {
    const since = entry.waitingSince;
    entry.waitingSince = undefined;
    return since === undefined ? 0 : Date.now() - since;
  }

  /** Forgets a session and ends it; returns how many messages it never got acknowledged. */
  end(entry: SessionEntry<P>): number {
    clearTimeout(entry.expiry);
    entry.expiry = undefined;
    this.#entries.delete(entry.session.id);
    this.#forgotten(entry.session.id);
    return entry.session.end();
  }

  /** The session kept under `id`, if any. */
  get(id: string): SessionEntry<P> | undefined {
    return this.#entries.get(id);
  }

  /** Where each live session stands, for the cluster's checkpoints. */
  *progress(): Iterable<SessionProgress> {
    for (const { session } of this.#entries.values()) {
      if (!session.ended) yield { id: session.id, sent: session.lastSent, acknowledged: session.lastAcknowledged };
    }
  }

  /** Every session still kept. */
  all(): SessionEntry<P>[] {
    return [...this.#entries.values()];
  }
}
