import { BadConnError, newMessageId, OonError, type NetMessageOptions } from '@oon/core';
import type { AnyClass, DeliveryStats, ReceiveOptions, RequestOptions, SchemaProblems, UncheckedRequestOptions } from '@oon/wire';
import { describeLinkLoss, settle, SharedMessage, type Connection, type LinkLoss, type SendOutcome, type Session } from '@oon/wire/internal';
import type { Room, RoomIndex } from './rooms';
import { roomNames } from './room-names';

/** What `peer.data` is unless the server says otherwise: fields of the app's choosing, read as `unknown`. */
export type PeerData = Record<string, unknown>;

/**
 * One client connected to an {@link OonServer}: the origin's `_NetClient`, with a
 * `send` of its own. A client that reconnects and resumes its session keeps its `Peer`,
 * with its rooms, `data` and `identity`.
 *
 * `Data` types {@link Peer.data}; `Identity` is what the server's `auth` check resolved
 * to ({@link Peer.identity}). Both are the server's type parameters: `OonServer<T, Data, Identity>`.
 */
export class Peer<Data extends object = PeerData, Identity extends object = object> {
  /** An id for logs and maps, unique within this process (10 hex characters). */
  readonly id: string = newMessageId();
  /**
   * The app's own state for this client, kept for as long as the peer (across resumed
   * links). It starts as an empty object: declare fields the app sets later as optional,
   * or set them in the `'connection'` handler.
   */
  data: Data = {} as Data;
  #identity: Identity | undefined;
  readonly #rooms: RoomIndex<Peer<Data, Identity>>;
  /** The rooms it was in when it left, once gone (it is then in none). */
  #roomsAtExit: ReadonlySet<Room> | undefined;
  #connection: Connection;
  readonly #session: Session | undefined;
  readonly #closeGrace: number;
  readonly #endSession: () => void;
  /** How its link was lost, while its session waits for it to come back. */
  #away: LinkLoss | undefined;
  /** Where what is sent to it directly is kept, by seq, when its session must outlive this node (a cluster). */
  #keep: ((seq: number, shared: SharedMessage) => void) | undefined;

  /** @internal Peers are made by the server. */
  constructor(connection: Connection, rooms: RoomIndex<Peer<Data, Identity>>, session?: Session, closeGrace = 0, endSession: () => void = () => {}) {
    this.#connection = connection;
    this.#rooms = rooms;
    this.#session = session;
    this.#closeGrace = closeGrace;
    this.#endSession = endSession;
  }

  /** @internal The id of its session; `undefined` without one. */
  get sessionId(): string | undefined {
    return this.#session?.id;
  }

  /** @internal The client resumed its session over a new connection. */
  relink(connection: Connection): void {
    this.#connection = connection;
    this.#away = undefined;
  }

  /**
   * @internal What is sent to this peer directly from now on (`send()`, a `RemotePeer`'s
   * send arriving here) is also handed to `keep` with its seq: the cluster keeps it so
   * that the session's next node can send it again (docs/scaling.md). Broadcasts are not:
   * the cluster's log keeps those.
   */
  keepSends(keep: (seq: number, shared: SharedMessage) => void): void {
    this.#keep = keep;
  }

  /** @internal What the server's `auth` check resolved to for the client's latest link. */
  setIdentity(identity: Identity | undefined): void {
    this.#identity = identity;
  }

  /** @internal The peer is gone for good: it leaves every room, and `rooms` keeps what it was in. */
  markGone(): void {
    if (this.#roomsAtExit !== undefined) return;
    this.#roomsAtExit = new Set(this.#rooms.roomsOf(this));
    this.#rooms.leaveAll(this);
  }

  /**
   * Who the server's `auth` check said this client is: what it resolved to when it
   * resolved to an object rather than `true` (checked again, and replaced, on each
   * resumed link); `undefined` without `auth` or when it resolved to `true`.
   */
  get identity(): Identity | undefined {
    return this.#identity;
  }

  /**
   * Puts this peer in `room` (or each of several): `server.to(room).send()` then reaches
   * it. Joining again is a no-op. It stays in its rooms while away (link down, session
   * kept: what the room is sent is held for it) and leaves them all when it is gone for
   * good (just before `'disconnect'`); joining a peer that is gone does nothing.
   * Throws a `TypeError` for a room that is not a string.
   */
  join(room: Room | readonly Room[]): void {
    const rooms = roomNames(room, 'peer.join');
    if (this.#roomsAtExit === undefined) this.#rooms.join(this, rooms);
  }

  /** Takes this peer out of `room` (or each of several); leaving a room it is not in is a no-op. Throws a `TypeError` for a room that is not a string. */
  leave(room: Room | readonly Room[]): void {
    for (const one of roomNames(room, 'peer.leave')) this.#rooms.leave(this, one);
  }

  /**
   * The rooms this peer is in. Once it is gone (`'disconnect'` and after), the rooms it
   * was in when it left, for "left the room" notices; it is then in none of them.
   */
  get rooms(): ReadonlySet<Room> {
    return this.#roomsAtExit ?? new Set(this.#rooms.roomsOf(this));
  }

  /** @internal The link was lost and the session is kept for the client (the server's `'away'`). */
  markAway(loss: LinkLoss): void {
    this.#away = loss;
  }

  /** The peer's IP address (of its latest link); `undefined` on a Unix socket. */
  get address(): string | undefined {
    return this.#connection.remoteAddress;
  }

  /**
   * What the client's latest link came by: `'socket'` (TCP, TLS or a Unix socket) or
   * `'websocket'` (the server's `websocket` option: a browser, or a client with a `url`).
   */
  get transport(): 'socket' | 'websocket' {
    return this.#connection.transportKind;
  }

  /** The peer's TCP port (of its latest link). */
  get port(): number | undefined {
    return this.#connection.remotePort;
  }

  /** True while a link to the client is up; false while a session waits for it to reconnect. */
  get connected(): boolean {
    return this.#connection.open;
  }

  /**
   * What cannot travel between this server's schema and the client's, per class and
   * direction (docs/evolution.md): `undefined` when the client's schema is the server's.
   */
  get schemaProblems(): SchemaProblems | undefined {
    return this.#connection.schemaProblems;
  }

  /**
   * Delivery figures of the peer's session (sent, resent, received, duplicates dropped,
   * lost), or `undefined` for a client without one (`reconnect: false`).
   */
  get stats(): Readonly<DeliveryStats> | undefined {
    return this.#session?.stats;
  }

  /**
   * Sends one object to this peer; resolves when it is handed to the operating system.
   * Rejects with `BadConn` if the peer is gone, or is evicted as a slow consumer because
   * what is held for it would pass `maxPendingBytes` (its session then ends); `BadData`
   * if the object does not fit its schema or the frame limit. With a session, past the
   * send window (`maxBufferedBytes`) of unacknowledged messages a send waits for the
   * client's acks (and rejects with `BadConn` if the session ends first). While a session
   * waits for the client to reconnect, the object is held for it (up to the send window,
   * past which this rejects with `BadConn`). The promise is marked handled: an app that
   * drops it is not ended by an unhandled rejection.
   */
  send(object: object, options?: NetMessageOptions): Promise<void> {
    if (this.#keep === undefined) return this.#connection.send(object, options);
    // Encoded once, for its link and for the cluster (the same bytes when its codec is binary).
    return settle(this.sendShared(new SharedMessage(object, options)));
  }

  /** @internal {@link Peer.send} of a message already encoded for the cluster (one from another node), kept as `send()` keeps it. */
  sendShared(shared: SharedMessage): SendOutcome {
    const outcome = this.#connection.offerShared(shared);
    const session = this.#session;
    if (this.#keep !== undefined && session !== undefined && !(outcome instanceof OonError)) this.#keep(session.lastSent, shared);
    return outcome;
  }

  /** @internal What a broadcast uses: {@link Peer.send}, with a refusal returned rather than rejected, of a payload encoded once for every peer of the same codec. */
  offerShared(shared: SharedMessage): SendOutcome {
    return this.#connection.offerShared(shared);
  }

  /** @internal True once the peer's current link was evicted as a slow consumer. */
  get evicted(): boolean {
    return this.#connection.evicted;
  }

  /**
   * Sends a request to this client and resolves with its reply, revived (the client
   * answers with `client.handle(Class, …)`). Rejects with `Timeout` past `timeout`
   * (default 30 s), with `BadConn` if the peer leaves first, with the client handler's
   * error when it fails (with its `appCode` and `details`, if it gave them), and with
   * `BadData` when the client could not read the request (the connection goes on).
   * Requests are not held across reconnects: made while the client is away, it rejects
   * with `BadConn` saying when and why its link was lost. Past the client's `maxRequestsInFlight` a
   * request waits its turn here, its deadline running. With `reply: Receipt` the reply is
   * checked to be a `Receipt` (a `BadData` naming both classes if it is not), and typed so.
   */
  request<R extends object>(object: object, options: RequestOptions<R> & { reply: AnyClass<R> }): Promise<R>;
  /** As above, the reply unchecked: typed `R` on the caller's word. */
  request<R extends object = object>(object: object, options?: UncheckedRequestOptions): Promise<R>;
  request<R extends object>(object: object, options?: RequestOptions): Promise<R> {
    const away = this.#away;
    if (away !== undefined && this.#session?.ended === false) {
      const where = this.toString();
      return Promise.reject(
        new BadConnError(
          `${where} is away: ${describeLinkLoss(where, away)}; its session is kept for it to come back within resumeWindow, but requests are not held: retry after the server's 'reconnect' event`,
        ),
      );
    }
    // Checked against `reply` when given (the first overload), else on the caller's word.
    return this.#connection.request(object, options) as Promise<R>;
  }

  /**
   * The next object this peer sends, for code that reads like the origin's
   * `receive_data`. Rejects with `Timeout` after `timeout` ms, with the signal's reason
   * when aborted, and with `BadConn` once the peer is gone and nothing is left.
   *
   * Messages are held for `receive()` only while the server has no `'message'`
   * listener; with one, events get them (and a `receive()` already waiting).
   */
  receive<T extends object = object>(options?: ReceiveOptions): Promise<T> {
    return this.#connection.inbox.receive(options) as Promise<T>;
  }

  /** Every object this peer sends, until it leaves: `for await (const obj of peer.messages())`. */
  messages<T extends object = object>(): AsyncIterable<T> {
    return this.#connection.inbox as AsyncIterable<T>;
  }

  /**
   * Closes this peer's connection, ending its session (after waiting, up to
   * `closeGrace`, for the client to acknowledge what was sent); resolves when the
   * socket is closed. Safe to call twice.
   */
  async close(): Promise<void> {
    const connection = this.#connection;
    if (this.#session !== undefined && connection.open) await this.#session.settle(this.#closeGrace);
    if (!connection.open) this.#endSession();
    await connection.close();
  }

  /** `address:port`, for logs. */
  toString(): string {
    return this.#connection.describePeer();
  }
}

