import { newMessageId, type NetMessageOptions } from '@oon/core';
import type { Connection, ReceiveOptions, RequestOptions } from '@oon/wire';

/**
 * One client connected to an {@link OonServer}: the origin's `_NetClient`, with a
 * `send` of its own.
 */
export class Peer {
  /** An id for logs and maps, unique within this process (10 hex characters). */
  readonly id: string = newMessageId();
  readonly #connection: Connection;

  /** @internal Peers are made by the server. */
  constructor(connection: Connection) {
    this.#connection = connection;
  }

  /** The peer's IP address. */
  get address(): string | undefined {
    return this.#connection.remoteAddress;
  }

  /** The peer's TCP port. */
  get port(): number | undefined {
    return this.#connection.remotePort;
  }

  /** True until the connection starts closing. */
  get connected(): boolean {
    return this.#connection.open;
  }

  /**
   * Sends one object to this peer. Rejects with `BadConn` if the peer is gone, or
   * `BadData` if the object does not fit its schema or the frame limit.
   */
  send(object: object, options?: NetMessageOptions): Promise<void> {
    return this.#connection.send(object, options);
  }

  /**
   * Sends a request to this client and resolves with its reply, revived (the client
   * answers with `client.handle(Class, …)`). Rejects with `Timeout` past `timeout`
   * (default 30 s), with `BadConn` if the peer leaves first, and with the client
   * handler's error when it fails.
   */
  request<R extends object = object>(object: object, options?: RequestOptions): Promise<R> {
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

  /** Closes this peer's connection; resolves when the socket is closed. Safe to call twice. */
  close(): Promise<void> {
    return this.#connection.close();
  }

  /** `address:port`, for logs. */
  toString(): string {
    return this.#connection.describePeer();
  }
}
