import { BadConnError, BadDataError, OonError, TimeoutError, createOonError, newMessageId } from '@oon/core';
import type { AdapterHost, ClusterPayload } from '@oon/server';
import { awaitAnswer } from './answers';
import type { DirectLog, Route } from './direct-log';
import { encodeEnvelope, type DirectEnvelope, type Envelope, type SentEnvelope } from './envelope';

/**
 * How many nodes a send that follows a session tries before it gives up: the session may
 * move again while the message chases it (each move is a client's reconnect), so a few.
 */
const MAX_HOPS = 4;

/** What became of a send published to a node: sent, no such peer there, the node is gone, or the error it gave. */
type Outcome = 'sent' | 'missing' | 'dead' | OonError;

/** A `RemotePeer.send()` waiting for the node it was published to. */
interface Waiting {
  /** The node, once known (a send that follows a session learns it from Redis). */
  node: string | undefined;
  readonly peer: string;
  /** True for a send that follows a session: "no such peer" sends it looking again. */
  readonly follows: boolean;
  readonly done: (outcome: Outcome) => void;
}

/** What {@link RemoteSends} uses of its adapter. */
export interface RemoteSendsContext {
  /** This node's id. */
  readonly node: string;
  readonly host: AdapterHost;
  /** Where Redis is, for messages. */
  readonly where: string;
  readonly requestTimeout: number;
  /** Whether Redis's count of a channel's listeners can be read (not Redis Cluster's unsharded pub/sub). */
  readonly counted: boolean;
  /** Sessions' lists and their records' keys, when sessions are kept in the cluster. */
  readonly direct: { readonly log: DirectLog; recordKey(session: string): string } | undefined;
  /** Publishes on node `node`'s own channel; resolves with how many heard it; rejects with `BadConn`. */
  publishTo(node: string, envelope: Envelope, consequence: string): Promise<unknown>;
  /** Whether node `node`'s heartbeat is alive; rejects when Redis cannot be read. */
  isLive(node: string): Promise<boolean>;
}

/**
 * Objects for one peer of another node (`RemotePeer.send()`), both ways: sending them and
 * waiting for the peer's node to say it sent them, and sending those other nodes publish
 * here to this node's peers (docs/scaling.md, "Sending to one peer on another node"). A
 * send to a peer whose session the cluster keeps follows the session: to the node its
 * record names, or into its list while it is between nodes.
 */
export class RemoteSends {
  readonly #context: RemoteSendsContext;
  readonly #waiting = new Map<string, Waiting>();

  constructor(context: RemoteSendsContext) {
    this.#context = context;
  }

  /** Sends `payload` to peer `peer` of node `node` (or, with `session`, wherever that session is now). */
  async send(node: string, peer: string, payload: ClusterPayload, session: string | undefined): Promise<void> {
    if (session !== undefined && this.#context.direct !== undefined) {
      await this.#follow(session, peer, payload);
      return;
    }
    const outcome = await this.#publish(node, peer, payload);
    if (outcome === 'dead') throw this.#nodeGone(node, peer);
    if (outcome instanceof OonError) throw outcome;
  }

  /**
   * Sends to the peer of `session` through the node its record names, until one sends it
   * or Redis keeps it: a node found gone is passed over (the message is kept for the
   * session's next node), and one that no longer has the session sends it looking again.
   */
  async #follow(session: string, peer: string, payload: ClusterPayload): Promise<void> {
    const passed: { dead?: string; missing?: string } = {};
    for (let hop = 0; hop < MAX_HOPS; hop += 1) {
      const { owner, outcome } = await this.#hop(session, peer, payload, passed.dead);
      if (outcome === 'sent') return;
      if (outcome instanceof OonError) throw outcome;
      // Its node died (Redis is told so by the next hop) or let the session go: follow it again.
      if (outcome === 'dead') passed.dead = owner;
      else if (passed.missing === owner) throw new BadConnError(`peer ${peer} is gone: node ${owner}, which Redis says holds its session ${session}, has no such session (it is ending there)`);
      else passed.missing = owner;
    }
    throw new BadConnError(`session ${session} of peer ${peer} moved between nodes ${MAX_HOPS} times while this message followed it: not sent`);
  }

  /** One try of {@link RemoteSends.#follow}: where Redis sent the message (or kept it), and what became of it. */
  async #hop(session: string, peer: string, payload: ClusterPayload, dead: string | undefined): Promise<{ owner: string; outcome: Outcome }> {
    const direct = this.#context.direct as NonNullable<RemoteSendsContext['direct']>;
    const request = newMessageId();
    const answered = this.#wait(request, undefined, peer, true);
    const envelope = encodeEnvelope({ kind: 'direct', node: this.#context.node, request, peer, session, payload });
    let route: Route;
    try {
      route = await direct.log.route(session, direct.recordKey(session), envelope, dead);
    } catch (err) {
      this.#waiting.get(request)?.done('dead');
      throw new BadConnError(`cannot send to peer ${peer} through ${this.#context.where} (${err instanceof Error ? err.message : String(err)}): it did not get this message`, { cause: err });
    }
    const waiting = this.#waiting.get(request);
    if (route.kind !== 'sent') waiting?.done('dead');
    switch (route.kind) {
      case 'gone':
        throw new BadConnError(`peer ${peer} is gone: no node holds its session ${session} any more (it ended, or its client did not come back within resumeWindow), and the cluster keeps nothing for it`);
      case 'full':
        throw new BadConnError(`session ${session} of peer ${peer} is between nodes (node ${route.owner} is gone, its client not back yet), and the cluster already keeps all it holds for it: this message was not kept`);
      case 'kept':
        return { owner: route.owner, outcome: 'sent' };
      case 'self':
        if (await this.#context.host.sendTo(peer, payload, session)) return { owner: this.#context.node, outcome: 'sent' };
        throw new BadConnError(`peer ${peer} is gone: its session ${session} ended on this node`);
      case 'sent':
        if (waiting !== undefined) waiting.node = route.owner;
        if (route.heard === 0 && this.#context.counted) waiting?.done('dead');
        return { owner: route.owner, outcome: await answered };
    }
  }

  /** Publishes on node `node`'s channel and waits for what became of it. */
  async #publish(node: string, peer: string, payload: ClusterPayload): Promise<Outcome> {
    const request = newMessageId();
    const answered = this.#wait(request, node, peer, false);
    const direct: DirectEnvelope = { kind: 'direct', node: this.#context.node, request, peer, payload };
    const heard = await this.#context.publishTo(node, direct, `peer ${peer} of node ${node} did not get this message`).catch((err: OonError) => {
      this.#waiting.get(request)?.done(err);
    });
    if (heard === 0 && this.#context.counted) {
      this.#waiting.get(request)?.done(new BadConnError(`node ${node} is gone (nothing listens on its channel in ${this.#context.where}): peer ${peer} did not get this message`));
    }
    return answered;
  }

  #wait(request: string, node: string | undefined, peer: string, follows: boolean): Promise<Outcome> {
    return awaitAnswer<Outcome, Waiting>(request, this.#waiting, (done) => ({ node, peer, follows, done }), () => void this.#late(request), this.#context.requestTimeout);
  }

  /** A send's time is up: its node died (`dead`), or is alive and silent (`Timeout`). */
  async #late(request: string): Promise<void> {
    const waiting = this.#waiting.get(request);
    if (waiting === undefined) return;
    const { node } = waiting;
    if (node === undefined) {
      waiting.done(new TimeoutError(`${this.#context.where} did not say within requestTimeout (${this.#context.requestTimeout} ms) where the session of peer ${waiting.peer} is: it may or may not have got the message`));
      return;
    }
    let dead = false;
    try {
      dead = !(await this.#context.isLive(node));
    } catch {
      // Redis is down too: the node cannot be told dead, so this is a Timeout.
    }
    waiting.done(
      dead
        ? 'dead'
        : new TimeoutError(`node ${node} did not say within requestTimeout (${this.#context.requestTimeout} ms) whether peer ${waiting.peer} got the message, and its heartbeat has not lapsed`),
    );
  }

  #nodeGone(node: string, peer: string): BadConnError {
    return new BadConnError(`node ${node} is gone (closed, or its heartbeat lapsed) before it said whether peer ${peer} got the message: it may not have`);
  }

  /** Node `node` answered a send. */
  answered({ node, request, error, missing }: SentEnvelope): void {
    const waiting = this.#waiting.get(request);
    if (waiting === undefined || (waiting.node !== undefined && waiting.node !== node)) return;
    if (missing === true && waiting.follows) waiting.done('missing');
    else waiting.done(error === undefined ? 'sent' : createOonError(error.code, `node ${node} could not send to its peer ${waiting.peer}: ${error.message}`));
  }

  /** Node `node` left or died: the sends waiting for it are told so. */
  nodeGone(node: string): void {
    for (const waiting of this.#waiting.values()) if (waiting.node === node) waiting.done('dead');
  }

  /** This node closes: every send still waiting fails. */
  stop(): void {
    for (const waiting of this.#waiting.values()) waiting.done(new BadConnError(`the server closed before node ${waiting.node ?? '(unknown)'} said whether peer ${waiting.peer} got the message`));
  }

  /** Sends another node's object to this node's peer, and tells that node how it went. */
  receive({ node, request, peer, session, payload }: DirectEnvelope): void {
    const answer = (error?: OonError, missing = false): void => {
      const sent: SentEnvelope = { kind: 'sent', node: this.#context.node, request, ...(error === undefined ? {} : { error: { code: error.code, message: error.message } }), ...(missing ? { missing } : {}) };
      this.#context.publishTo(node, sent, `node ${node} did not hear whether its message reached peer ${peer}`).catch((err: OonError) => this.#context.host.fault(err));
    };
    this.#context.host.sendTo(peer, payload, session).then(
      (found) => (found ? answer() : answer(new BadConnError(`peer ${peer} is not on node ${this.#context.node}: it is gone (disconnected, or its session ended)`), true)),
      (err: unknown) => answer(err instanceof OonError ? err : new BadDataError(`the message for peer ${peer} could not be sent: ${String(err)}`)),
    );
  }
}
