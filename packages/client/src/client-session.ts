import { BadConnError, BadDataError } from '@oon/core';
import { fromBase64, sendWindow, Session, sessionProof, type ConnectionOwner, type SessionBinding, type SessionHello } from '@oon/wire/internal';
import type { ResolvedClientOptions } from './options';

/**
 * The client's side of its resumable session (docs/reconnect.md): the `Session` that
 * outlives links, from the first connect until `close()` (or giving up), the secret a
 * resume proves, and what each handshake's hello asks for and settles on.
 */
export class ClientSession {
  readonly #options: ResolvedClientOptions['connection'];
  readonly #where: () => string;
  #session: Session | undefined;
  /** The session's secret, from the hello that granted it: resuming proves it (docs/protocol.md). */
  #secret: Uint8Array | undefined;
  #resumed = false;

  /** `where`: the server's address as the client names it now (it changes with the endpoint). */
  constructor(options: ResolvedClientOptions['connection'], where: () => string) {
    this.#options = options;
    this.#where = where;
  }

  /** The session, ended or not; `undefined` before the first handshake. */
  get current(): Session | undefined {
    return this.#session;
  }

  /** The session while it has not ended. */
  get live(): Session | undefined {
    return this.#session?.ended === false ? this.#session : undefined;
  }

  /** Whether the last handshake resumed the session, for the `'reconnect'` event. */
  get resumed(): boolean {
    return this.#resumed;
  }

  /** The connection hooks by which each handshake asks for, proves and binds the session. */
  hooks(): Required<Pick<ConnectionOwner, 'sessionRequest' | 'proveSession' | 'bindSession'>> {
    return {
      sessionRequest: () => this.#request(),
      proveSession: (nonce) => this.#prove(nonce),
      bindSession: (granted) => this.#bind(granted),
    };
  }

  /** What a reconnect that could not resume the session tells the app. */
  notResumed(resent: number): BadConnError {
    return new BadConnError(
      `${this.#where()} could not resume the session (it holds none by that id: its resume window passed, or the server or its cluster lost it): a new session was started, in which the ${resent} messages the server had not acknowledged were sent again; what the server sent meanwhile is lost`,
    );
  }

  /** Ends the session; returns how many messages the server never acknowledged (lost). */
  end(error?: unknown): number {
    const session = this.#session;
    if (session === undefined || session.ended) return 0;
    return session.end(error instanceof BadConnError ? error : undefined);
  }

  /**
   * What the hello asks for: the session to resume (if any) and the last message received
   * in it. A session granted without a secret (a hand-written server) cannot be resumed:
   * the server then grants a new one, and the session restarts in it.
   */
  #request(): SessionHello {
    const session = this.#session;
    const { maxBufferedBytes, maxPendingBytes } = this.#options;
    // The window the server acknowledges by: the one the client's next session will have.
    // `next`: this side reads NextMessage frames (docs/protocol.md, "Sessions").
    if (session === undefined || session.ended) return { received: 0, window: sendWindow(maxBufferedBytes, maxPendingBytes), next: true };
    const { received, window } = session;
    return this.#secret === undefined ? { received, window, next: true } : { id: session.id, received, window, next: true };
  }

  /** Proof of the session's secret over the server's challenge. */
  #prove(nonce: Uint8Array): Promise<Uint8Array> {
    const session = this.#session;
    if (session === undefined || this.#secret === undefined) throw new BadDataError('server sent a session challenge, but this client asked to resume no session');
    return sessionProof(this.#secret, nonce, session.id);
  }

  /** The server's answer: resume the session, or (it has lost it) restart it and resend what it lacks. */
  #bind(granted: SessionHello): SessionBinding {
    const { id, resumed = false, received } = granted;
    if (id === undefined) throw new BadDataError('server granted a session without an id');
    let session = this.#session;
    if (session === undefined || session.ended) {
      if (resumed) throw new BadDataError(`server says it resumed session ${id}, which this client never had`);
      const { maxBufferedBytes, maxPendingBytes } = this.#options;
      session = new Session({ id, peer: this.#where(), maxBufferedBytes, maxPendingBytes });
      this.#session = session;
    } else if (resumed && id !== session.id) {
      throw new BadDataError(`server resumed session ${id}, but this client asked for ${session.id}`);
    } else if (!resumed) {
      session.restart(id);
    }
    // Only a new session's grant carries its secret; a resumed one keeps the one it had.
    if (!resumed) this.#secret = granted.secret === undefined ? undefined : fromBase64(granted.secret);
    this.#resumed = resumed;
    return { session, peerReceived: resumed ? received : 0, peerWindow: granted.window, peerNext: granted.next === true };
  }
}
