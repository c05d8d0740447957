import type { Transport, TransportSink } from './transport';
import { concatBytes } from '../platform/bytes';

/**
 * The most bytes one WebSocket message carries: a longer write goes out as several
 * messages (OON's stream is bytes, so a frame may span messages), and a receiver refuses
 * a longer message before buffering it (the `ws` library's `maxPayload`). It matches the
 * frame writer's batch, so a burst of small messages still travels one batch a message.
 */
export const WEBSOCKET_MESSAGE_BYTES = 256 * 1024;

/** The WebSocket `readyState` in which it sends and receives. */
const OPEN = 1;

/** What a WebSocket's events carry, as both the `ws` library's and a browser's give them. */
export interface WebSocketLikeEvents {
  /** A message: binary as an `ArrayBuffer` (or, in Node, a `Buffer`), text as a string. */
  message: { readonly data: unknown };
  /** The socket closed; 1006 when no close frame came (the link was cut). */
  close: { readonly code: number; readonly reason: string };
  /** The socket failed: `ws` says how (`error`, `message`); a browser does not. */
  error: { readonly error?: unknown; readonly message?: string };
}

/**
 * The part of a WebSocket that both the `ws` library's `WebSocket` (Node) and a browser's
 * global `WebSocket` have: what {@link WebSocketTransport} needs of one that is open.
 */
export interface WebSocketLike {
  /** How binary messages arrive: set to `'arraybuffer'` (or, with `ws`, `'nodebuffer'`). */
  binaryType: string;
  /** Bytes sent and not yet handed to the network. */
  readonly bufferedAmount: number;
  /** 1 while open. */
  readonly readyState: number;
  /** Sends one message (binary for bytes). */
  send(data: Uint8Array): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Listens for an event. */
  addEventListener<K extends keyof WebSocketLikeEvents>(type: K, listener: (event: WebSocketLikeEvents[K]) => void): void;
}

/** What the `ws` library's `WebSocket` adds, used when present: completion of sends, read backpressure, cutting the link. */
interface NodeWebSocketExtras {
  send(data: Uint8Array, done: (error?: Error) => void): void;
  pause(): void;
  resume(): void;
  terminate(): void;
}

/** The `ws` library's socket (it can be paused and terminated), or `undefined` for a browser's. */
function nodeExtras(socket: WebSocketLike): NodeWebSocketExtras | undefined {
  const extras = socket as Partial<NodeWebSocketExtras>;
  return typeof extras.terminate === 'function' && typeof extras.pause === 'function' ? (socket as unknown as NodeWebSocketExtras) : undefined;
}

/** The reason a `ws` error gives when the peer broke the WebSocket protocol (`WS_ERR_*`), or `undefined` for a network failure. */
function protocolViolation(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !code.startsWith('WS_ERR_')) return undefined;
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return `sent a WebSocket message of more than ${WEBSOCKET_MESSAGE_BYTES} bytes, the most an OON peer sends in one`;
  return `broke the WebSocket protocol: ${String(message)}`;
}

/** Where the peer is, when the transport's owner knows (a server from the upgrade request). */
export interface WebSocketPeerAddress {
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
}

/**
 * A {@link Transport} over an open WebSocket, the `ws` library's in Node or a browser's.
 *
 * OON's stream is bytes over WebSocket as over TCP: each write goes out as one binary
 * message (or several, past {@link WEBSOCKET_MESSAGE_BYTES}), and each binary message
 * received is a chunk for the same frame decoder, so frames may span messages. A text
 * message is not part of any OON stream: it drops the link as bad data, as garbage on
 * TCP would. With `ws`, a send completes when handed to the socket, and reading pauses
 * (TCP backpressure reaches the peer); a browser's WebSocket cannot stop reading, so
 * there `pause()` does nothing and the inbox's bound is the only one.
 */
export class WebSocketTransport implements Transport {
  readonly kind = 'websocket';
  readonly #socket: WebSocketLike;
  readonly #node: NodeWebSocketExtras | undefined;
  readonly #address: WebSocketPeerAddress;
  /** Where events go once {@link WebSocketTransport.open} is called. */
  #sink: TransportSink | undefined;
  /** Events that came before `open()`: a WebSocket does not wait for a listener, as a paused socket does. */
  #early: Array<(sink: TransportSink) => void> | undefined = [];

  /**
   * `address`: the peer's, when known (a WebSocket does not tell it). Listens at once:
   * what arrives before {@link WebSocketTransport.open} is kept for the sink.
   */
  constructor(socket: WebSocketLike, address: WebSocketPeerAddress = {}) {
    this.#socket = socket;
    this.#node = nodeExtras(socket);
    this.#address = address;
    // A Node Buffer is a view of what `ws` read (no copy); an ArrayBuffer is what a browser gives.
    socket.binaryType = this.#node === undefined ? 'arraybuffer' : 'nodebuffer';
    socket.addEventListener('message', ({ data }) => {
      const sink = this.#sink;
      // The common case first: no closure per message.
      if (sink !== undefined && data instanceof Uint8Array) sink.data(data);
      else if (data instanceof Uint8Array) this.#emit((early) => early.data(data));
      else if (data instanceof ArrayBuffer) this.#emit((sink) => sink.data(new Uint8Array(data)));
      else this.#emit((sink) => sink.unreadable('sent a WebSocket text message: OON travels in binary messages only'));
    });
    socket.addEventListener('error', (event) => {
      const violation = protocolViolation(event.error);
      const error = event.error instanceof Error ? event.error : new Error(event.message ?? 'the WebSocket failed');
      this.#emit((sink) => (violation === undefined ? sink.error(error) : sink.unreadable(violation)));
    });
    socket.addEventListener('close', ({ code }) => {
      this.#emit((sink) => {
        // 1006: no close frame came, the link was cut (TCP's close without FIN).
        if (code !== 1006) sink.end();
        sink.close();
      });
    });
  }

  get pendingBytes(): number {
    return this.#socket.bufferedAmount;
  }

  get remoteAddress(): string | undefined {
    return this.#address.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.#address.remotePort;
  }

  open(sink: TransportSink): void {
    // Not now: the connection calls this from its constructor, before it can take events.
    queueMicrotask(() => {
      const early = this.#early ?? [];
      this.#early = undefined;
      this.#sink = sink;
      for (const event of early) event(sink);
    });
  }

  /** Hands an event to the sink, or keeps it until there is one. */
  #emit(event: (sink: TransportSink) => void): void {
    if (this.#sink !== undefined) event(this.#sink);
    else this.#early?.push(event);
  }

  write(bytes: Uint8Array, done?: (error?: Error | null) => void): void {
    const socket = this.#socket;
    if (socket.readyState !== OPEN) {
      if (done !== undefined) queueMicrotask(() => done(new Error('the WebSocket is closed')));
      return;
    }
    let at = 0;
    while (bytes.length - at > WEBSOCKET_MESSAGE_BYTES) {
      socket.send(bytes.subarray(at, at + WEBSOCKET_MESSAGE_BYTES));
      at += WEBSOCKET_MESSAGE_BYTES;
    }
    const last = at === 0 ? bytes : bytes.subarray(at);
    if (done === undefined) socket.send(last);
    // Messages go out in order: the last one written means all were.
    else if (this.#node !== undefined) this.#node.send(last, done);
    else {
      socket.send(last);
      // A browser tells nothing of a send's progress: handed over is as far as it goes.
      queueMicrotask(() => done());
    }
  }

  /**
   * Writes `chunks` as few messages as {@link WEBSOCKET_MESSAGE_BYTES} allows: neighbours
   * joined into one message (a message costs the receiver an event, and `ws` a write,
   * each), a chunk longer than that split as {@link WebSocketTransport.write} splits it.
   */
  writev(chunks: readonly Uint8Array[], done?: (error?: Error | null) => void): void {
    let group: Uint8Array[] = [];
    let groupBytes = 0;
    const sendGroup = (last: boolean): void => {
      if (group.length === 0) return;
      const message = group.length === 1 ? (group[0] as Uint8Array) : concatBytes(group);
      this.write(message, last ? done : undefined);
      group = [];
      groupBytes = 0;
    };
    for (const chunk of chunks) {
      if (groupBytes > 0 && groupBytes + chunk.length > WEBSOCKET_MESSAGE_BYTES) sendGroup(false);
      group.push(chunk);
      groupBytes += chunk.length;
    }
    sendGroup(true);
  }

  end(): void {
    // A WebSocket has no half-close: its close frame follows what is queued, and the
    // peer's messages sent before it saw ours are still read.
    if (this.#socket.readyState === OPEN) this.#socket.close(1000);
  }

  destroy(): void {
    if (this.#node !== undefined) this.#node.terminate();
    else this.#socket.close();
  }

  pause(): void {
    this.#node?.pause();
  }

  resume(): void {
    this.#node?.resume();
  }
}
