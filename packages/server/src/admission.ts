import { BadConnError, type OonError } from '@oon/core';
import type { Connection, Hello, ResumeProof, SessionGrant, Transport } from '@oon/wire/internal';
import { AuthThrottle } from './auth-throttle';
import { addressKey } from './connection-slots';
import type { AuthCheck } from './options';
import type { SessionEntry, SessionTable } from './session-table';

/** What {@link Admission} needs of its server. */
export interface AdmissionServer<P> {
  /** The `auth` option, if any. */
  readonly auth: AuthCheck | undefined;
  /** The handshake's deadline: refusals are never delayed past half of it. */
  readonly handshakeTimeout: number;
  /** This node's sessions. */
  readonly table: SessionTable<P>;
  /** A session the hello names that this node lacks, taken over from the cluster (`ClusterSessions.claim`). */
  claim(hello: Hello, proof: ResumeProof | undefined, connection: Connection): Promise<SessionEntry<P> | undefined>;
  /** True once the server is closing: nothing is granted then. */
  closing(): boolean;
  fault(error: OonError): void;
}

/**
 * A server's answer to each client's hello (the handshake's `admit`): who the client is
 * (the `auth` option; refusals from an address that keeps failing are slowed by
 * {@link AuthThrottle}), and which session it gets: the one it names, if this node or
 * the cluster has it and the client proves it, else a new one.
 */
export class Admission<P, Identity extends object> {
  readonly #server: AdmissionServer<P>;
  readonly #throttle: AuthThrottle;
  /** What `auth` resolved to for each connection it admitted with an identity, until its peer has it. */
  readonly #identityOf = new WeakMap<Connection, Identity>();

  constructor(server: AdmissionServer<P>) {
    this.#server = server;
    this.#throttle = new AuthThrottle(server.handshakeTimeout);
  }

  /** Checks a client's token and settles its session; a refusal reaches the client as `BadConn`. */
  async admit(hello: Hello, transport: Transport, connection: Connection, proof: ResumeProof | undefined): Promise<SessionGrant | undefined> {
    const server = this.#server;
    const identity = await this.#authenticate(hello, transport);
    if (identity !== undefined) this.#identityOf.set(connection, identity);
    if (server.closing()) return undefined;
    const proven = (await server.table.proven(hello, proof)) ?? (await server.claim(hello, proof, connection));
    if (server.closing()) return undefined;
    const grant = server.table.grant(hello, connection, proven);
    if (grant?.refused !== undefined) {
      // Someone who saw the session id (or a whole earlier resume) tried to take it over.
      const message = `client ${connection.describePeer()} named session ${String(hello.session?.id)} ${grant.refused}: not resumed (a new session was granted), and the session's own link is untouched`;
      server.fault(new BadConnError(message));
    }
    return grant;
  }

  /** What `auth` resolved to for `connection`; `undefined` if it resolved to `true` (or there is no `auth`). */
  identityOf(connection: Connection): Identity | undefined {
    return this.#identityOf.get(connection);
  }

  /** Runs `auth`: the identity it resolved to, `undefined` for `true`; refuses anything else, so nothing fails open. */
  async #authenticate(hello: Hello, transport: Transport): Promise<Identity | undefined> {
    // Resolved options hold the check untyped; the server's constructor took it as returning `Identity`.
    const auth = this.#server.auth as AuthCheck<Identity> | undefined;
    if (auth === undefined) return undefined;
    let verdict: boolean | Identity = false;
    try {
      verdict = await auth(hello.token, { address: transport.remoteAddress, port: transport.remotePort });
    } catch (cause) {
      throw new BadConnError('authentication failed: the server could not check the token', { cause });
    }
    if (verdict === true) return undefined;
    if (typeof verdict === 'object' && verdict !== null) return verdict;
    await this.#throttle.refused(addressKey(transport.remoteAddress));
    throw new BadConnError(hello.token === undefined ? 'authentication failed: no token given; pass `token` to OonClient' : 'authentication failed: the token was refused');
  }
}
