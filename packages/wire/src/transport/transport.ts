/**
 * What a {@link Transport} hands to the connection reading it: bytes as they arrive, the
 * peer's end of the stream, a failure, and the close that comes last whatever happened.
 */
export interface TransportSink {
  /** Bytes received, in order; a chunk may hold part of a frame or several frames. */
  data(chunk: Uint8Array): void;
  /**
   * The peer sent what cannot be part of an OON stream (a WebSocket text message, a
   * message over the transport's bound): the stream is dropped as bad data, as a
   * malformed frame would be. `message` says what was sent, as a whole sentence.
   */
  unreadable(message: string): void;
  /** The peer ended its side of the stream (TCP FIN, a WebSocket close frame). */
  end(): void;
  /** The stream failed; `close()` follows. */
  error(error: Error): void;
  /** The stream is closed: nothing more is read or written. Called once. */
  close(): void;
}

/** What carries a connection's stream: a Node socket (TCP, TLS, Unix socket) or a WebSocket (in Node or a browser). */
export type TransportKind = 'socket' | 'websocket';

/**
 * The byte stream a `Connection` runs over: a Node socket (TCP, TLS, Unix socket) or a
 * WebSocket, in Node or a browser. The protocol logic lives once, in the connection;
 * each transport only moves bytes, so this interface names no Node type.
 *
 * A transport is a byte stream for OON even over WebSocket: frame boundaries need not
 * match the transport's own (a frame may span chunks, a chunk hold many frames).
 */
export interface Transport {
  /** What carries the stream. */
  readonly kind: TransportKind;
  /**
   * Bytes handed to {@link Transport.write} that the peer has not taken yet (a socket's
   * `writableLength`, a WebSocket's `bufferedAmount`): what the slow-consumer bound
   * (`maxPendingBytes`) counts.
   */
  readonly pendingBytes: number;
  /** The peer's IP address, when the transport knows it. */
  readonly remoteAddress: string | undefined;
  /** The peer's port, when the transport knows it. */
  readonly remotePort: number | undefined;
  /**
   * Starts delivering what arrives to `sink`. Called once, by the connection that owns
   * the transport.
   */
  open(sink: TransportSink): void;
  /**
   * Writes `bytes` (the transport may keep them until written: the caller must not
   * reuse them); `done`, if given, is called once they are handed to the operating
   * system, or with the error that failed them.
   */
  write(bytes: Uint8Array, done?: (error?: Error | null) => void): void;
  /**
   * Writes `chunks` in order as one write where the transport can (a socket's `writev`:
   * one system call for a batch of frames and the session runs beside them); `done` as
   * for {@link Transport.write}, once all are handed over. Optional: without it, each
   * chunk is written in turn.
   */
  writev?(chunks: readonly Uint8Array[], done?: (error?: Error | null) => void): void;
  /** Ends our side of the stream once what is written has gone; the peer's side may still send. */
  end(): void;
  /** Closes at once, dropping what is not yet written. */
  destroy(): void;
  /** Stops reading (TCP backpressure reaches the peer); a transport that cannot stop, such as a browser's WebSocket, ignores it. */
  pause(): void;
  /** Reads again after {@link Transport.pause}. */
  resume(): void;
}
