import type { Duplex } from 'node:stream';
import type { Transport, TransportSink } from './transport';

/** What a Node socket may also tell of its peer (a `Duplex` that is not a socket has neither). */
interface SocketAddress {
  readonly remoteAddress?: string;
  readonly remotePort?: number;
}

/**
 * A {@link Transport} over a Node `Duplex`: a TCP, TLS or Unix socket (or any stream).
 * A thin pass-through: the stream's own buffering, backpressure and pause are used as they are.
 */
export class SocketTransport implements Transport {
  readonly kind = 'socket';
  readonly #socket: Duplex;

  constructor(socket: Duplex) {
    this.#socket = socket;
  }

  get pendingBytes(): number {
    return this.#socket.writableLength;
  }

  get remoteAddress(): string | undefined {
    return (this.#socket as SocketAddress).remoteAddress;
  }

  get remotePort(): number | undefined {
    return (this.#socket as SocketAddress).remotePort;
  }

  open(sink: TransportSink): void {
    const socket = this.#socket;
    socket.on('data', (chunk: Buffer) => sink.data(chunk));
    socket.on('end', () => sink.end());
    socket.on('error', (err: Error) => sink.error(err));
    socket.on('close', () => sink.close());
  }

  write(bytes: Uint8Array, done?: (error?: Error | null) => void): void {
    if (done === undefined) this.#socket.write(bytes);
    else this.#socket.write(bytes, done);
  }

  writev(chunks: readonly Uint8Array[], done?: (error?: Error | null) => void): void {
    // Corked, the stream hands its buffered chunks to the socket's writev at uncork: one system call.
    const socket = this.#socket;
    const last = chunks.length - 1;
    socket.cork();
    for (let i = 0; i < last; i++) socket.write(chunks[i] as Uint8Array);
    if (done === undefined) socket.write(chunks[last] as Uint8Array);
    else socket.write(chunks[last] as Uint8Array, done);
    socket.uncork();
  }

  end(): void {
    this.#socket.end();
  }

  destroy(): void {
    this.#socket.destroy();
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }
}
