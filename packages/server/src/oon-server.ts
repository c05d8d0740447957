import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'eventemitter3';
import { BadConnError, createOonError, OonError, StartFailError, type NetMessage, type NetMessageOptions } from '@oon/core';
import {
  DEFAULT_CLOSE_GRACE,
  DEFAULT_HANDSHAKE_TIMEOUT,
  type AnyClass,
  type DisconnectReason,
  type Logger,
  type ReceiveOptions,
  type RequestHandler,
} from '@oon/wire';
import { Connection, forInstancesOf, Inbox, log, logFault, logLinkClosed, RequestHandlers, type Transport } from '@oon/wire/internal';
import { Admission } from './admission';
import { handEach, type BroadcastResult } from './broadcast';
import { BroadcastOperator, type PeerRef } from './broadcast-operator';
import { Cluster } from './cluster';
import { ClusterSessions } from './cluster-sessions';
import { RoomIndex, type Room } from './rooms';
import type { OonServerEvents } from './events';
import { resolveServerOptions, type OonServerOptions, type ResolvedServerOptions } from './options';
import { Peer, type PeerData } from './peer';
import { SessionTable, type SessionEntry } from './session-table';
import { addressKey, ConnectionSlots } from './connection-slots';
import { Listeners } from './listeners';
import { Refusals } from './refusals';

/**
 * Accepts OON clients and revives what they send into instances of registered classes.
 *
 * A client that sends anything wrong is dropped with an `'error'` event; every other
 * client goes on undisturbed.
 *
 * `T` is the type of what clients send; `Data` types each `peer.data` (the app's state
 * per client); `Identity` is what the `auth` check resolves to, read as `peer.identity`.
 *
 * @example
 * ```ts fragment
 * const server = new OonServer<FordTruck>({ port: 9090 });
 * server.on('message', (truck, peer) => truck.showInfo());
 * server.on('connection', (peer) => peer.send(new VolvoCar()));
 * await server.listen();
 * ```
 */
export class OonServer<T extends object = object, Data extends object = PeerData, Identity extends object = object> extends EventEmitter<
  OonServerEvents<T, Data, Identity>
> {
  readonly #options: ResolvedServerOptions;
  readonly #peers = new Set<Peer<Data, Identity>>();
  /** Who is in which room (this node's). */
  readonly #rooms = new RoomIndex<Peer<Data, Identity>>((peer) => this.#clusterSessions.roomsChanged(peer.sessionId, [...peer.rooms]));
  /** This node's peers and rooms, and its adapter to the other nodes: what broadcasts are aimed within. */
  readonly #cluster: Cluster<Peer<Data, Identity>>;
  /** Sessions as the cluster keeps them, so that they outlive this node. */
  readonly #clusterSessions: ClusterSessions<Peer<Data, Identity>>;
  /** Who each client is, and which session it gets. */
  readonly #admission: Admission<Peer<Data, Identity>, Identity>;
  /** Every accepted socket's connection, handshaking or not, so `close()` leaves none behind. */
  readonly #connections = new Set<Connection>();
  /** Where clients come from (TCP, WebSocket), while listening. */
  #listeners: Listeners | undefined;
  #closing: Promise<void> | undefined;
  readonly #handlers = new RequestHandlers<Peer<Data, Identity>>();
  /** The peer of each connection that finished its handshake, for request handlers. */
  readonly #peerOf = new WeakMap<Connection, Peer<Data, Identity>>();
  /** Clients refused (server full or closing), told why and closing: `close()` destroys those left. */
  readonly #refusals = new Refusals();
  /** Peers for `accept()`: held only while no one listens for `'connection'`. */
  #accepted = new Inbox<Peer<Data, Identity>>({ what: 'connection' });
  readonly #sessions: SessionTable<Peer<Data, Identity>>;
  /** Connections counted in all, in their handshake, and per address: who is refused on accept. */
  readonly #slots: ConnectionSlots;

  constructor(options: OonServerOptions<Identity> = {}) {
    super();
    this.#options = resolveServerOptions(options);
    this.#slots = new ConnectionSlots(this.#options);
    this.#sessions = new SessionTable({
      window: this.#options.resumeWindow,
      limits: { maxBufferedBytes: this.#options.connection.maxBufferedBytes, maxPendingBytes: this.#options.connection.maxPendingBytes },
      maxSessions: this.#options.maxSessions,
      // The client that waited longest makes room: its session ends as if its window had passed.
      evict: (entry) => this.#endSession(entry, 'timeout'),
      forgotten: (id) => this.#clusterSessions.ended(id),
    });
    this.#cluster = new Cluster<Peer<Data, Identity>>(
      {
        all: () => this.#peers,
        rooms: this.#rooms,
        codecOptions: this.#options.connection,
        logger: this.#logger,
        deliver: (peers, shared) => handEach(peers, shared),
        serverMessage: (object, node) => this.emit('serverMessage', object, node),
        fault: (error) => this.#fault(error),
        nodeDown: (node) => this.emit('nodeDown', node),
        resumeWindow: this.#options.resumeWindow,
        sessions: () => this.#sessions.progress(),
        sessionMoved: (id, node) => this.#clusterSessions.moved(id, node),
      },
      this.#options.adapter,
    );
    const closing = (): boolean => this.#closing !== undefined;
    const fault = (error: OonError, peer?: Peer<Data, Identity>): void => this.#fault(error, peer);
    const table = this.#sessions;
    this.#clusterSessions = new ClusterSessions({ cluster: this.#cluster, table, logger: this.#logger, closing, fault, end: (entry, reason, lossCounts) => this.#endSession(entry, reason, lossCounts) });
    const { auth } = this.#options;
    const handshakeTimeout = this.#options.connection.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT;
    this.#admission = new Admission({ auth, handshakeTimeout, table, claim: (hello, proof, c) => this.#clusterSessions.claim(hello, proof, c), closing, fault });
  }

  /**
   * This server's id in its cluster: the `node` of its peers as other nodes see them
   * (`RemotePeer.node`), and what `'serverMessage'` and `'nodeDown'` name it by.
   */
  get node(): string {
    return this.#cluster.node;
  }

  /** The clients connected now (after their handshake), and those whose session waits for them to reconnect. */
  get peers(): ReadonlySet<Peer<Data, Identity>> {
    return this.#peers;
  }

  /** True while the server accepts connections. */
  get listening(): boolean {
    return this.#listeners?.listening ?? false;
  }

  /**
   * The bound TCP address (with the real port when `port: 0`), or `null` when not
   * listening (or with `tcp: false`). On a Unix socket it is `{ address: path, family: 'unix', port: 0 }`.
   */
  address(): AddressInfo | null {
    return this.#listeners?.address() ?? null;
  }

  /**
   * Where WebSocket clients connect (the `websocket` option): its own port's bound
   * address, or the shared `http`/`https` server's while that listens; `null` otherwise.
   */
  websocketAddress(): AddressInfo | null {
    return this.#listeners?.websocketAddress() ?? null;
  }

  /**
   * Starts listening: on TCP (or TLS, or a Unix socket) unless `tcp: false`, and for
   * WebSocket clients with the `websocket` option. Resolves with the TCP address (else
   * the WebSocket one). Rejects with `StartFail` if an address cannot be bound, the
   * server already runs, or its adapter cannot join the cluster (Redis unreachable: the
   * message names it and its address); then nothing is left bound or connected.
   */
  async listen(): Promise<AddressInfo> {
    if (this.#listeners !== undefined) throw new StartFailError(`server is already listening on ${this.#where()}`);
    const listeners = new Listeners(this.#options, { accept: (transport) => this.#accept(transport), fault: (error) => this.#fault(error) });
    this.#listeners = listeners;
    this.#closing = undefined;
    this.#accepted = new Inbox<Peer<Data, Identity>>({ what: 'connection' });
    try {
      await this.#cluster.adapter.start();
      try {
        await listeners.start();
      } catch (err) {
        await this.#cluster.adapter.stop().catch(() => {});
        throw err;
      }
    } catch (err) {
      this.#listeners = undefined;
      throw err;
    }
    const address = listeners.address() ?? listeners.websocketAddress() ?? { address: this.#options.host, family: 'IPv4', port: 0 };
    this.emit('listening', address);
    return address;
  }

  /**
   * The next client to connect, for code that reads like the origin's
   * `accept_net_connection`. Rejects with `Timeout` after `timeout` ms, with the
   * signal's reason when aborted, and with `BadConn` once the server is closed.
   * Peers are held for `accept()` only while no one listens for `'connection'`.
   */
  accept(options?: ReceiveOptions): Promise<Peer<Data, Identity>> {
    return this.#accepted.receive(options);
  }

  /**
   * Listens for objects of one class (subclasses included), typed as that class:
   * `server.onMessage(FordTruck, (truck, peer) => truck.showInfo())`. Returns a function
   * that removes the listener.
   */
  onMessage<C extends object>(type: AnyClass<C>, listener: (object: C, peer: Peer<Data, Identity>, message: NetMessage<T>) => void): () => void {
    const relay = forInstancesOf(type, listener);
    this.on('message', relay);
    return () => this.off('message', relay);
  }

  /**
   * Answers requests of one class (subclasses included) from any client:
   * `server.handle(Ping, async (ping, peer) => new Pong())`. What the handler returns
   * (or resolves to) is the reply; what it throws reaches the caller as an `OonError`
   * with the handler's message (its code if it threw an `OonError`, else `BadData`).
   * The handler's third argument, an `AbortSignal`, aborts when that client's connection
   * closes: `server.handle(Report, (r, peer, signal) => build(r, { signal }))`.
   * Returns a function that removes the handler.
   */
  handle<C extends object>(type: AnyClass<C>, handler: RequestHandler<C, Peer<Data, Identity>>): () => void {
    return this.#handlers.set(type, handler);
  }

  /**
   * Sends one object to every client: those connected, and those whose session waits for
   * them to reconnect. Waits on none of them and never rejects: resolves at once with
   * what happened ({@link BroadcastResult}: delivered to N, evicted M, failed K, and why).
   * A client that is not reading is evicted as a slow consumer once what is held for it
   * would pass `maxPendingBytes` (its session ends, its `'loss'` is reported); the others
   * go on. It does not pace the caller: to be paced by a client, await its `peer.send()`.
   */
  broadcast(object: object, options?: NetMessageOptions): Promise<BroadcastResult<Data, Identity>> {
    return this.#everyone().send(object, options);
  }

  /**
   * Aims a broadcast at the peers in `room` (or in any of several; chain `.to()` for
   * more, `.except()` to leave some out): `await server.to('order:42').send(update)`.
   * Peers join rooms with `peer.join(room)`.
   */
  to(room: Room | readonly Room[]): BroadcastOperator<Data, Identity> {
    return this.#everyone().to(room);
  }

  /** The same as {@link OonServer.to}: `await server.in('order:42').count()`, `.peers()`. */
  in(room: Room | readonly Room[]): BroadcastOperator<Data, Identity> {
    return this.#everyone().to(room);
  }

  /** Aims a broadcast at every peer except those in `room` and the peer `peer` (or each of several): `server.except(sender).send(obj)`. */
  except(target: Room | PeerRef<Data, Identity> | readonly (Room | PeerRef<Data, Identity>)[]): BroadcastOperator<Data, Identity> {
    return this.#everyone().except(target);
  }

  #everyone(): BroadcastOperator<Data, Identity> {
    return new BroadcastOperator(this.#cluster);
  }

  /**
   * Sends one object to the server of every other node of the cluster (not to any
   * client): each emits it, revived, as `'serverMessage'` with this node's id; listen
   * for one class with {@link OonServer.onServerMessage}. Resolves once published;
   * rejects with `BadData` if the object cannot be encoded and `BadConn` when the other
   * nodes cannot be reached (Redis down). Without an adapter there is no other node:
   * it resolves and reaches no one.
   */
  serverSideEmit(object: object, options?: NetMessageOptions): Promise<void> {
    return this.#cluster.emit(object, options);
  }

  /**
   * Listens for server-side messages of one class (subclasses included) from the other
   * nodes, typed as that class: `server.onServerMessage(Evict, (evict, node) => …)`.
   * Returns a function that removes the listener.
   */
  onServerMessage<C extends object>(type: AnyClass<C>, listener: (object: C, node: string) => void): () => void {
    const relay = forInstancesOf(type, listener);
    this.on('serverMessage', relay);
    return () => this.off('serverMessage', relay);
  }

  /**
   * Stops accepting, closes every connection gracefully (destroying those that do not
   * close within `closeGrace`), and resolves when all is closed. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    const listeners = this.#listeners;
    if (listeners === undefined) return;
    const stopped = listeners.stop();
    this.#accepted.finish();
    this.#refusals.destroyAll();
    // No farewell: clients that reconnect will find this server (or its successor) again.
    await Promise.all([...this.#connections].map((c) => c.close(false)));
    for (const entry of this.#sessions.all()) this.#endSession(entry, 'local close');
    await stopped;
    await this.#cluster.adapter.stop();
    this.#listeners = undefined;
    this.emit('close');
  }

  /** A client connected, over TCP or WebSocket: refused past the slots, else handshaking. */
  #accept(transport: Transport): void {
    if (this.#closing !== undefined) {
      this.#fault(this.#refusals.refuse(transport, `server ${this.#where()} is closing`));
      return;
    }
    const address = addressKey(transport.remoteAddress);
    const refusal = this.#slots.refusal(address, this.#where());
    if (refusal !== undefined) {
      this.#fault(this.#refusals.refuse(transport, refusal));
      return;
    }
    const slot = this.#slots.take(address);
    // The peer of a link is known from its onOpen, before any of its messages or requests.
    let peer: Peer<Data, Identity> | undefined;
    const connection: Connection = new Connection(transport, this.#options.connection, {
      role: 'server',
      admit: (hello, proof) => this.#admission.admit(hello, transport, connection, proof),
      onOpen: () => {
        slot.opened();
        peer = this.#onOpen(connection);
      },
      onMessage: (object, message) => this.emit('message', object as T, peer as Peer<Data, Identity>, message as NetMessage<T>),
      handleRequest: (object, signal) => this.#handlers.dispatch(object, peer as Peer<Data, Identity>, signal),
    });
    this.#connections.add(connection);
    connection.ready.catch(
      (err: unknown) => {
        if (err instanceof OonError && !(err instanceof BadConnError && this.#closing !== undefined)) {
          const message = `client ${connection.describePeer()} failed the handshake: ${err.message}`;
          this.#fault(createOonError(err.code, message, { cause: err }));
        }
      },
    );
    connection.once('close', (reason, error) => {
      this.#connections.delete(connection);
      slot.release();
      const entry = this.#sessions.entryOf(connection);
      if (entry === undefined || this.#peerOf.has(connection)) return;
      // A session was granted to a link that never opened: a new one has no peer to keep it for.
      if (entry.peer === undefined) {
        if (entry.connection === connection) this.#sessions.end(entry);
      } else this.#onLinkClosed(connection, entry.peer, reason, error);
    });
  }

  /** A link opened: its peer (a new one, or the one whose session it resumes), told to the listeners. */
  #onOpen(connection: Connection): Peer<Data, Identity> {
    const entry = this.#sessions.entryOf(connection);
    const resumed = entry?.peer;
    const peer =
      resumed ??
      new Peer<Data, Identity>(connection, this.#rooms, entry?.session, this.#options.connection.closeGrace ?? DEFAULT_CLOSE_GRACE, () => {
        if (entry !== undefined) this.#endSession(entry, 'local close');
      });
    peer.relink(connection);
    peer.setIdentity(this.#admission.identityOf(connection));
    this.#peerOf.set(connection, peer);
    connection.on('error', (err) => this.#fault(err, peer));
    connection.on('rejected', (rejection) => {
      log(this.#logger, 'warn', `client ${String(peer)} could not read message ${rejection.id ?? '(no id)'}: ${rejection.error.message}`, { event: 'rejected', peer: String(peer), code: rejection.error.code });
      this.emit('rejected', rejection, peer);
    });
    connection.once('close', (reason, error) => this.#onLinkClosed(connection, peer, reason, error));
    if (resumed !== undefined && entry !== undefined) {
      const back = this.#sessions.back(entry);
      log(this.#logger, 'info', `client ${String(peer)} came back and resumed its session`, { event: 'reconnect', peer: String(peer) });
      this.emit('reconnect', peer, back);
      return peer;
    }
    if (entry !== undefined) entry.peer = peer;
    this.#peers.add(peer);
    if (entry !== undefined) this.#clusterSessions.opened(peer, entry);
    if (this.#accepted.hasWaiters || this.listenerCount('connection') === 0) this.#accepted.push(peer);
    log(this.#logger, 'debug', `client ${String(peer)} connected`, { event: 'connection', peer: String(peer) });
    this.emit('connection', peer);
    return peer;
  }

  /** A peer's link closed: it is away if its session waits for it to come back, else gone. */
  #onLinkClosed(connection: Connection, peer: Peer<Data, Identity>, reason: DisconnectReason, error: OonError | undefined): void {
    const entry = this.#sessions.entryOf(connection);
    if (entry === undefined) {
      this.#forget(peer, connection.inbox);
      logLinkClosed(this.#logger, String(peer), reason, 'the client is gone', error);
      this.emit('disconnect', peer, reason);
      return;
    }
    // The resume window is a deadline the client missed: its session ends as a timeout.
    const outcome = this.#sessions.linkClosed(connection, reason, this.#closing !== undefined, () => this.#endSession(entry, 'timeout'));
    if (outcome === 'ended') this.#endSession(entry, reason);
    else if (outcome === 'away') {
      peer.markAway({ at: Date.now(), reason, error });
      logLinkClosed(this.#logger, String(peer), reason, `its session waits ${this.#options.resumeWindow} ms for it to come back`, error);
      this.emit('away', peer, reason, error);
    }
  }

  /**
   * A peer is gone. One held for accept() that left with nothing to read is dropped too,
   * or a server that never calls accept() (event-driven, no 'connection' listener) would
   * keep every peer it ever had.
   */
  #forget(peer: Peer<Data, Identity>, inbox: Inbox<object>): void {
    this.#peers.delete(peer);
    peer.markGone();
    if (inbox.size === 0) this.#accepted.remove(peer);
  }

  /** Ends a session for good: the peer is gone, and what it never acknowledged is reported lost (unless `lossCounts` is false: another node has it). */
  #endSession(entry: SessionEntry<Peer<Data, Identity>>, reason: DisconnectReason, lossCounts = true): void {
    if (entry.session.ended) return;
    const lost = this.#sessions.end(entry);
    const { peer } = entry;
    if (peer === undefined) return;
    this.#forget(peer, entry.session.inbox);
    if (lost > 0 && lossCounts) {
      log(this.#logger, 'warn', `session of client ${String(peer)} ended (${reason}) with ${lost} messages it never acknowledged: lost`, { event: 'loss', peer: String(peer), lost });
      this.emit('loss', lost, peer);
    }
    log(this.#logger, reason === 'local close' ? 'debug' : 'info', `client ${String(peer)} is gone (${reason}); its session ended`, { event: 'disconnect', peer: String(peer), reason });
    this.emit('disconnect', peer, reason);
  }

  /** Every `'error'` the server raises: logged, then emitted. */
  #fault(error: OonError, peer?: Peer<Data, Identity>): void {
    logFault(this.#logger, error, peer === undefined ? undefined : { who: `client ${String(peer)}`, address: String(peer) });
    this.emit('error', error, peer);
  }

  get #logger(): Logger | undefined {
    return this.#options.connection.logger;
  }

  #where(): string {
    if (this.#listeners !== undefined) return this.#listeners.where();
    const { path, host, port } = this.#options;
    return path ?? `${host}:${port}`;
  }
}
