import { BadConnError, BadDataError, OonError, StartFailError, TimeoutError, newMessageId } from '@oon/core';
import type { Adapter, AdapterHost, ClusterPayload, PeerSelection, PeerSnapshot } from '@oon/server';
import { log } from '@oon/wire/internal';
import { awaitAnswer } from './answers';
import { decodeEnvelope, encodeEnvelope, type Envelope, type ReplyEnvelope, type RequestEnvelope } from './envelope';
import type { ResolvedRedisAdapterOptions } from './options';
import { RedisLink } from './redis-link';
import { ClusterLog } from './cluster-log';
import { DirectLog } from './direct-log';
import { RemoteSends } from './remote-sends';
import { RedisSessionStore } from './session-store';

/** A `peers()` or `count()` waiting for the other nodes' answers. */
interface Pending {
  readonly waiting: Set<string>;
  readonly replies: ReplyEnvelope[];
  readonly done: (error?: OonError) => void;
}

/**
 * One server's part in a cluster on Redis (see `docs/scaling.md`):
 *
 * - channel `<prefix>#all`: broadcasts, server-side messages and questions, heard by every node;
 * - channel `<prefix>#node#<id>`: answers to node `<id>`'s questions, and objects for one of its peers (`RemotePeer.send()`) and their answers;
 * - key `{<prefix>}:nodes`: the set of node ids; key `{<prefix>}:node:<id>`: a node's
 *   heartbeat, expiring after `heartbeatTimeout` (the braces keep every key in one
 *   Redis Cluster slot, so they can be read together).
 */
export class RedisAdapter implements Adapter {
  readonly node = newMessageId();
  readonly #host: AdapterHost;
  readonly #options: ResolvedRedisAdapterOptions;
  readonly #link: RedisLink;
  readonly #pending = new Map<string, Pending>();
  /** `RemotePeer.send()`s, both ways. */
  readonly #remote: RemoteSends;
  /** The other nodes seen alive at the last heartbeat: one missing at the next is reported down. */
  #live = new Set<string>();
  /**
   * Nodes that said they leave: a heartbeat read before one left still lists it alive,
   * and must not bring it back (to be reported down once its keys are gone).
   */
  readonly #left = new Set<string>();
  #heartbeat: NodeJS.Timeout | undefined;
  #stopped = false;
  /** The cluster's log of broadcasts, when sessions outlive their node here (docs/scaling.md). */
  readonly #log: ClusterLog | undefined;
  /** Sessions kept in Redis, so that a client whose node died resumes on another. */
  readonly sessions: RedisSessionStore | undefined;

  constructor(host: AdapterHost, options: ResolvedRedisAdapterOptions) {
    this.#host = host;
    this.#options = options;
    this.#link = new RedisLink(options, {
      lost: (error) => {
        const fault = new BadConnError(`lost ${this.#link.where} (${error.message}): broadcasts to other nodes fail until it is back; this node's peers still get theirs`, { cause: error });
        this.#host.fault(fault);
      },
      back: () => {
        log(this.#host.logger, 'info', `${this.#link.where} is back: cluster delivery resumed`, { event: 'redis-back' });
        void this.#beat();
      },
    });
    // Redis Cluster's sharded pub/sub cannot publish, in the script that logs a broadcast, to a channel of another slot than the log's.
    const logged = options.maxLogEntries > 0 && host.resumeWindow > 0 && !(options.sharded && options.clusterNodes.length > 0);
    let direct: DirectLog | undefined;
    if (logged) {
      this.#log = new ClusterLog(this.#link, `{${options.prefix}}:log`, options.maxLogEntries, options.maxMessageBytes);
      const announce = (session: string): void => {
        this.#send(this.#all, { kind: 'moved', node: this.node, session }, 'a node that still has the session keeps it until its resume window ends').catch((err: OonError) => this.#host.fault(err));
      };
      direct = new DirectLog(this.#link, {
        prefix: options.prefix,
        node: this.node,
        maxMessageBytes: options.maxMessageBytes,
        maxEntries: options.maxDirectEntries,
        publish: options.sharded ? 'SPUBLISH' : 'PUBLISH',
        beatKeyPrefix: this.#beatKey(''),
        inboxPrefix: this.#inbox(''),
        ttl: () => this.sessions?.ttl ?? 0,
      });
      this.sessions = new RedisSessionStore(this.#link, this.#log, direct, host, { prefix: options.prefix, node: this.node, checkpointInterval: options.checkpointInterval, announce });
    }
    const sessions = this.sessions;
    this.#remote = new RemoteSends({
      node: this.node,
      host,
      where: this.#link.where,
      requestTimeout: options.requestTimeout,
      counted: options.clusterNodes.length === 0 || options.sharded,
      direct: direct === undefined || sessions === undefined ? undefined : { log: direct, recordKey: (session) => sessions.sessionKey(session) },
      publishTo: (node, envelope, consequence) => this.#send(this.#inbox(node), envelope, consequence),
      isLive: async (node) => (await this.#link.nodes(this.#nodesKey, (one) => this.#beatKey(one))).live.includes(node),
    });
  }

  get #all(): string {
    return `${this.#options.prefix}#all`;
  }

  #inbox(node: string): string {
    return `${this.#options.prefix}#node#${node}`;
  }

  get #nodesKey(): string {
    return `{${this.#options.prefix}}:nodes`;
  }

  #beatKey(node: string): string {
    return `{${this.#options.prefix}}:node:${node}`;
  }

  async start(): Promise<void> {
    try {
      await this.#link.connect();
      await this.#link.subscribe(this.#all, (message) => this.#onMessage(message));
      await this.#link.subscribe(this.#inbox(this.node), (message) => this.#onMessage(message));
      await this.#link.beat(this.#nodesKey, this.#beatKey(this.node), this.node, this.#options.heartbeatTimeout);
      this.#live = new Set((await this.#link.nodes(this.#nodesKey, (node) => this.#beatKey(node))).live.filter((node) => node !== this.node));
      await this.#log?.start();
    } catch (err) {
      this.#link.close();
      const reason = err instanceof Error ? err.message || err.name : String(err);
      throw new StartFailError(`cannot join the cluster: ${this.#link.where} is unreachable (${reason}); start Redis or fix the adapter's url`, { cause: err });
    }
    this.#stopped = false;
    this.#heartbeat = setInterval(() => void this.#beat(), this.#options.heartbeatInterval);
    this.#heartbeat.unref();
    this.sessions?.start();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#heartbeat);
    this.sessions?.stop();
    for (const pending of this.#pending.values()) pending.done(new BadConnError('the server closed before the other nodes answered'));
    this.#remote.stop();
    // Leaving at once: the others stop counting this node's peers now, not a heartbeat timeout from now.
    await this.#send(this.#all, { kind: 'leave', node: this.node }, 'the other nodes will see this node leave when its heartbeat lapses').catch(() => {});
    await this.#link.forget(this.#nodesKey, [this.#beatKey(this.node)], [this.node]).catch(() => {});
    this.#link.close();
  }

  async publish(selection: PeerSelection, payload: ClusterPayload): Promise<void> {
    const envelope: Envelope = { kind: 'broadcast', node: this.node, selection, payload };
    if (this.#log === undefined) {
      await this.#send(this.#all, envelope, 'the other nodes did not get this broadcast');
      return;
    }
    try {
      await this.#log.append(encodeEnvelope(envelope), this.#all, this.#options.sharded ? 'SPUBLISH' : 'PUBLISH');
    } catch (err) {
      throw new BadConnError(`cannot publish to ${this.#link.where} (${err instanceof Error ? err.message : String(err)}): the other nodes did not get this broadcast`, { cause: err });
    }
  }

  async emit(payload: ClusterPayload): Promise<void> {
    await this.#send(this.#all, { kind: 'server', node: this.node, payload }, 'the other nodes did not get this server-side message');
  }

  async peers(selection: PeerSelection): Promise<PeerSnapshot[]> {
    return (await this.#ask(selection, false)).flatMap((reply) => reply.peers);
  }

  async count(selection: PeerSelection): Promise<number> {
    return (await this.#ask(selection, true)).reduce((sum, reply) => sum + reply.count, 0);
  }

  /**
   * Sends the object to peer `peer` of node `node`, through that node's own channel, and
   * waits for its answer; with `session`, follows the session ({@link RemoteSends}).
   */
  sendTo(node: string, peer: string, payload: ClusterPayload, session?: string): Promise<void> {
    return this.#remote.send(node, peer, payload, session);
  }

  /** Node `node` left or died: the sends waiting for it are told so, and the questions waiting on it excuse it. */
  #forget(node: string): void {
    this.#live.delete(node);
    this.#remote.nodeGone(node);
    for (const pending of this.#pending.values()) if (pending.waiting.delete(node) && pending.waiting.size === 0) pending.done();
  }

  /** Publishes `envelope` on `channel`; resolves with how many listeners Redis says heard it. */
  async #send(channel: string, envelope: Envelope, consequence: string): Promise<unknown> {
    try {
      return await this.#link.publish(channel, encodeEnvelope(envelope));
    } catch (err) {
      throw new BadConnError(`cannot publish to ${this.#link.where} (${err instanceof Error ? err.message : String(err)}): ${consequence}`, { cause: err });
    }
  }

  /** Asks every live node, and resolves with their answers once all have answered (those found dead meanwhile excused). */
  async #ask(selection: PeerSelection, countOnly: boolean): Promise<ReplyEnvelope[]> {
    let live: string[];
    try {
      live = (await this.#link.nodes(this.#nodesKey, (node) => this.#beatKey(node))).live.filter((node) => node !== this.node);
    } catch (err) {
      throw new BadConnError(`cannot ask the other nodes: ${this.#link.where} is unreachable (${err instanceof Error ? err.message : String(err)})`, { cause: err });
    }
    if (live.length === 0) return [];
    const request = newMessageId();
    const replies: ReplyEnvelope[] = [];
    const answered = awaitAnswer<OonError | undefined, Pending>(
      request,
      this.#pending,
      (done) => ({ waiting: new Set(live), replies, done: (error) => done(error) }),
      () => void this.#late(request),
      this.#options.requestTimeout,
    );
    await this.#send(this.#all, { kind: 'request', node: this.node, request, countOnly, selection }, 'the other nodes were not asked').catch((err: OonError) => {
      this.#pending.get(request)?.done(err);
    });
    const error = await answered;
    if (error !== undefined) throw error;
    return replies;
  }

  /** A question's time is up: nodes that died meanwhile are excused; a live one that did not answer fails it. */
  async #late(request: string): Promise<void> {
    const pending = this.#pending.get(request);
    if (pending === undefined) return;
    try {
      // Not listed live: its heartbeat lapsed, or a node that saw it lapse has already taken it off the list.
      const { live } = await this.#link.nodes(this.#nodesKey, (node) => this.#beatKey(node));
      for (const node of [...pending.waiting]) if (!live.includes(node)) pending.waiting.delete(node);
    } catch {
      // Redis is down too: the nodes still waited on fail the question below.
    }
    if (pending.waiting.size === 0) pending.done();
    else {
      const nodes = [...pending.waiting].join(', ');
      pending.done(new TimeoutError(`node ${nodes} did not answer within requestTimeout (${this.#options.requestTimeout} ms) and its heartbeat has not lapsed`));
    }
  }

  #onMessage(message: Buffer): void {
    let envelope: Envelope;
    try {
      envelope = decodeEnvelope(message, this.#options.maxMessageBytes);
    } catch (err) {
      this.#drop(err, 'a message');
      return;
    }
    const logged = envelope.kind === 'broadcast' ? envelope.log : undefined;
    if (envelope.node !== this.node) {
      // its own broadcast: this node's peers have it
      try {
        this.#dispatch(envelope);
      } catch (err) {
        this.#drop(err, `a ${envelope.kind} message from node ${envelope.node}`);
      }
    }
    if (logged !== undefined) this.#log?.heard(logged, envelope.node === this.node);
  }

  #dispatch(envelope: Envelope): void {
    switch (envelope.kind) {
      case 'broadcast':
        this.#host.deliver(envelope.selection, envelope.payload);
        return;
      case 'server':
        this.#host.receive(envelope.payload, envelope.node);
        return;
      case 'request':
        this.#answer(envelope);
        return;
      case 'direct':
        this.#remote.receive(envelope);
        return;
      case 'sent':
        this.#remote.answered(envelope);
        return;
      case 'leave':
        this.#forget(envelope.node);
        this.#left.add(envelope.node);
        return;
      case 'moved':
        this.#host.sessionMoved(envelope.session, envelope.node);
        return;
      case 'reply': {
        const pending = this.#pending.get(envelope.request);
        if (pending === undefined || !pending.waiting.delete(envelope.node)) return;
        pending.replies.push(envelope);
        if (pending.waiting.size === 0) pending.done();
        return;
      }
    }
  }

  #answer({ node, request, countOnly, selection }: RequestEnvelope): void {
    const reply: ReplyEnvelope = countOnly
      ? { kind: 'reply', node: this.node, request, count: this.#host.count(selection), peers: [] }
      : { kind: 'reply', node: this.node, request, count: 0, peers: this.#host.describe(selection) };
    this.#send(this.#inbox(node), reply, `node ${node} did not get this node's answer`).catch((err: OonError) => this.#host.fault(err));
  }

  /** A message from Redis that cannot be read or delivered: dropped, reported, and the node goes on. */
  #drop(err: unknown, what: string): void {
    const cause = err instanceof OonError ? err : undefined;
    const reason = err instanceof Error ? err.message : String(err);
    this.#host.fault(new BadDataError(`dropped ${what} from ${this.#link.where}: ${reason}`, { cause: cause ?? err }));
  }

  /** Renews this node's heartbeat and reports the nodes whose heartbeat lapsed. */
  async #beat(): Promise<void> {
    if (this.#stopped) return;
    try {
      await this.#link.beat(this.#nodesKey, this.#beatKey(this.node), this.node, this.#options.heartbeatTimeout);
      const { live, dead } = await this.#link.nodes(this.#nodesKey, (node) => this.#beatKey(node));
      const others = new Set(live.filter((node) => node !== this.node && !this.#left.has(node)));
      // Once Redis no longer lists a node that left, no later read can: it is forgotten here too.
      for (const node of this.#left) if (!live.includes(node)) this.#left.delete(node);
      const gone = [...this.#live].filter((node) => !others.has(node));
      this.#live = others;
      await this.#link.forget(this.#nodesKey, dead.map((node) => this.#beatKey(node)), dead);
      for (const node of gone) {
        this.#forget(node);
        log(this.#host.logger, 'warn', `node ${node} stopped answering (no heartbeat for ${this.#options.heartbeatTimeout} ms): its peers are counted no more`, { event: 'nodeDown', node });
        this.#host.nodeDown(node);
      }
    } catch {
      // Redis is unreachable: already reported as lost; the next beat after it is back catches up.
    }
  }
}
