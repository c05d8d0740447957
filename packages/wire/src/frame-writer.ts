import type { Duplex } from 'node:stream';
import { FRAME_HEADER_BYTES, FRAME_LENGTH_BYTES, type FrameKind } from './constants';

/**
 * Batches bigger than this are handed to the socket at once rather than at the end of the
 * tick, so a long burst reaches the peer while it is still being written and no batch
 * buffer grows without bound.
 */
const FLUSH_BYTES = 256 * 1024;
/** The smallest batch buffer: small enough to come from Node's buffer pool. */
const MIN_BATCH_BYTES = 512;

/** A batch of frames that one socket write carries, and the promise its senders share. */
interface Batch {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Bytes of a payload once in the frame. */
function payloadBytes(payload: string | Uint8Array): number {
  return typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
}

/**
 * Gathers the frames written during one tick into one buffer and hands it to the socket
 * in one write.
 *
 * A socket write costs a syscall and a write request whatever its size, so a burst of
 * small messages written one by one spends most of its time there. Each frame is
 * written straight into the batch buffer (header, prefix, payload: one copy, no buffer
 * per frame); the batch goes out at the end of the tick (`process.nextTick`, so a lone
 * request is not delayed by an event-loop turn), or earlier once {@link FLUSH_BYTES} are
 * waiting. Every write of one batch shares one promise: one allocation per batch, not
 * per message. A new batch buffer is sized from the last batch, so a lone request takes
 * a small pooled buffer and a burst a big one.
 *
 * All of a connection's frames must go through one writer, so they stay in order; `end()`
 * writes what is gathered before ending the stream.
 *
 * With `batch: false` every frame is its own write, for the origin's unframed wire, whose
 * receiver parses each `recv()` as one whole message.
 */
export class FrameWriter {
  readonly #socket: Duplex;
  readonly #failure: (error: Error) => Error;
  readonly #batching: boolean;
  #buffer: Buffer | undefined;
  #used = 0;
  #lastBatchBytes = 0;
  /** The socket's `writableLength` when the batch being gathered began. */
  #socketPending = 0;
  #batch: Batch | undefined;
  #scheduled = false;
  readonly #flushTick = (): void => {
    this.#scheduled = false;
    this.flush();
  };

  /**
   * `failure` turns a socket's write error into what the senders' promises reject with;
   * `batch: false` writes each frame at once.
   */
  constructor(socket: Duplex, failure: (error: Error) => Error, options: { batch?: boolean } = {}) {
    this.#socket = socket;
    this.#failure = failure;
    this.#batching = options.batch ?? true;
  }

  /** Bytes gathered and not yet handed to the socket. */
  get gatheredBytes(): number {
    return this.#used;
  }

  /**
   * Bytes the socket holds for the peer (its `writableLength`), read once per batch: it
   * cannot change while a batch is gathered, since the socket is written only when the
   * batch goes out and write completions wait for the event loop, after the batch's tick.
   * A read per send was 4% of a sender's time in a burst of small messages.
   */
  get socketPendingBytes(): number {
    if (this.#used === 0) this.#socketPending = this.#socket.writableLength;
    return this.#socketPending;
  }

  /**
   * The length a frame of this payload announces (kind, prefix and payload), which the
   * decoder's `maxFrameBytes` limits: check it before {@link FrameWriter.writeFrame}.
   */
  static frameLength(payload: string | Uint8Array, prefix?: Uint8Array): number {
    return 1 + (prefix?.length ?? 0) + payloadBytes(payload);
  }

  /**
   * Queues the frame `[u32 BE length][u8 kind][prefix][payload]`, a string payload as
   * UTF-8; resolves when its batch is handed to the operating system, rejects if the
   * write fails.
   */
  writeFrame(kind: FrameKind, payload: string | Uint8Array, prefix?: Uint8Array): Promise<void> {
    const batch = (this.#batch ??= newBatch());
    const size = payloadBytes(payload);
    const before = FRAME_HEADER_BYTES + (prefix?.length ?? 0);
    const buffer = this.#reserve(before + size);
    const at = this.#used;
    buffer.writeUInt32BE(before + size - FRAME_LENGTH_BYTES, at);
    buffer.writeUInt8(kind, at + FRAME_LENGTH_BYTES);
    if (prefix !== undefined) buffer.set(prefix, at + FRAME_HEADER_BYTES);
    if (typeof payload === 'string') buffer.write(payload, at + before, 'utf8');
    else buffer.set(payload, at + before);
    this.#used = at + before + size;
    this.#gathered();
    return batch.promise;
  }

  /** Queues bytes already framed (or, on the origin's wire, a whole message); resolves as {@link FrameWriter.writeFrame}. */
  write(frame: Uint8Array): Promise<void> {
    const batch = (this.#batch ??= newBatch());
    this.push(frame);
    return batch.promise;
  }

  /** Queues bytes already framed that no one waits for (hello, pong, an error reply). */
  push(frame: Uint8Array): void {
    this.#reserve(frame.length).set(frame, this.#used);
    this.#used += frame.length;
    this.#gathered();
  }

  /** Hands what is gathered to the socket now. */
  flush(): void {
    const buffer = this.#buffer;
    if (buffer === undefined || this.#used === 0) return;
    const data = buffer.subarray(0, this.#used);
    const batch = this.#batch;
    this.#lastBatchBytes = this.#used;
    // The socket keeps `data` until it is written, so the next batch gets a new buffer.
    this.#buffer = undefined;
    this.#used = 0;
    this.#batch = undefined;
    if (batch === undefined) {
      this.#socket.write(data);
      return;
    }
    this.#socket.write(data, (err) => {
      if (err) batch.reject(this.#failure(err));
      else batch.resolve();
    });
  }

  /** Writes what is gathered (and `frame`, if given), then ends the stream. */
  end(frame?: Uint8Array): void {
    if (frame !== undefined) this.push(frame);
    this.flush();
    this.#socket.end();
  }

  /** The batch buffer with room for `bytes` more, grown (by copying what it holds) if needed. */
  #reserve(bytes: number): Buffer {
    const buffer = this.#buffer;
    const needed = this.#used + bytes;
    if (buffer !== undefined && buffer.length >= needed) return buffer;
    const size = Math.max(needed, MIN_BATCH_BYTES, Math.min(FLUSH_BYTES, 2 * (buffer?.length ?? this.#lastBatchBytes)));
    const grown = Buffer.allocUnsafe(size);
    if (buffer !== undefined) buffer.copy(grown, 0, 0, this.#used);
    this.#buffer = grown;
    return grown;
  }

  /** After a frame is gathered: writes now, or once the tick ends. */
  #gathered(): void {
    if (this.#used >= FLUSH_BYTES || !this.#batching) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      process.nextTick(this.#flushTick);
    }
  }
}
