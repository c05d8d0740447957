import { Session, type Connection, type DisconnectReason, type Hello, type SessionGrant } from '@oon/wire';
import type { Peer } from './peer';

/** A client's session on the server, and what carries it now. */
export interface SessionEntry {
  readonly session: Session;
  /** The token the client authenticated with: only the same token may resume the session. */
  readonly token: string | undefined;
  /** Set once the first link's handshake is done. */
  peer: Peer | undefined;
  /** The live link, if any; `undefined` while the session waits for the client. */
  connection: Connection | undefined;
  /** Ends the session when the resume window passes. */
  expiry: NodeJS.Timeout | undefined;
}

/** Link ends after which a client may come back and resume; the others end the session. */
const RESUMABLE: ReadonlySet<DisconnectReason> = new Set(['remote close', 'connection error', 'timeout']);

/**
 * The server's sessions, by id: grants a new one or resumes one a client names in its
 * hello, and keeps a session whose link dropped until its resume window passes.
 */
export class SessionTable {
  readonly #entries = new Map<string, SessionEntry>();
  readonly #byConnection = new WeakMap<Connection, SessionEntry>();
  readonly #window: number;
  readonly #maxBufferedBytes: number | undefined;

  constructor(window: number, maxBufferedBytes: number | undefined) {
    this.#window = window;
    this.#maxBufferedBytes = maxBufferedBytes;
  }

  /**
   * The session for a client's hello: the one it names, if the server still has it
   * (a link it still holds for it is dropped), else a new one. None if the client asked
   * for none or sessions are off (`resumeWindow: 0`).
   */
  grant(hello: Hello, connection: Connection): SessionGrant | undefined {
    const wanted = hello.session;
    if (wanted === undefined || this.#window === 0) return undefined;
    const entry = wanted.id === undefined ? undefined : this.#entries.get(wanted.id);
    // A session id is not a credential by itself: a client with another token gets a new session.
    if (entry !== undefined && !entry.session.ended && entry.token === hello.token) {
      clearTimeout(entry.expiry);
      entry.expiry = undefined;
      const stale = entry.connection;
      entry.connection = connection;
      this.#byConnection.set(connection, entry);
      // The client is back on a new link before the server saw the old one die.
      if (stale !== undefined) void stale.close(false);
      const { session } = entry;
      return { hello: { id: session.id, resumed: true, received: session.received }, binding: { session, peerReceived: wanted.received } };
    }
    const session = new Session({ peer: connection.describePeer(), ...(this.#maxBufferedBytes === undefined ? {} : { maxBufferedBytes: this.#maxBufferedBytes }) });
    const fresh: SessionEntry = { session, token: hello.token, peer: undefined, connection, expiry: undefined };
    this.#entries.set(session.id, fresh);
    this.#byConnection.set(connection, fresh);
    return { hello: { id: session.id, resumed: false, received: 0 }, binding: { session, peerReceived: 0 } };
  }

  /** The session a connection carries (or carried). */
  entryOf(connection: Connection): SessionEntry | undefined {
    return this.#byConnection.get(connection);
  }

  /**
   * A connection closed: `'superseded'` if its session already runs on a newer link,
   * `'kept'` if the session waits for the client (then `onExpire` runs when the window
   * passes), else `'ended'`: the caller ends the session.
   */
  linkClosed(connection: Connection, reason: DisconnectReason, shuttingDown: boolean, onExpire: () => void): 'superseded' | 'kept' | 'ended' {
    const entry = this.#byConnection.get(connection);
    if (entry === undefined) return 'ended';
    if (entry.connection !== connection) return 'superseded';
    entry.connection = undefined;
    if (shuttingDown || connection.peerClosedSession || entry.session.ended || !RESUMABLE.has(reason)) return 'ended';
    entry.expiry = setTimeout(onExpire, this.#window);
    return 'kept';
  }

  /** Forgets a session and ends it; returns how many messages it never got acknowledged. */
  end(entry: SessionEntry): number {
    clearTimeout(entry.expiry);
    entry.expiry = undefined;
    this.#entries.delete(entry.session.id);
    return entry.session.end();
  }

  /** Every session still kept. */
  all(): SessionEntry[] {
    return [...this.#entries.values()];
  }
}
