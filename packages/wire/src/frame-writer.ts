import type { Duplex } from 'node:stream';

/**
 * Batches bigger than this are handed to the socket at once rather than at the end of the
 * tick, so a long burst reaches the peer while it is still being written and no single
 * copy grows without bound.
 */
const FLUSH_BYTES = 256 * 1024;

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

/**
 * Gathers the frames written during one tick and hands them to the socket in one write.
 *
 * A socket write costs a syscall and a write request whatever its size, so a burst of
 * small messages written one by one spends most of its time there. Frames are kept in
 * order and joined at the end of the tick (`process.nextTick`, so a lone request is not
 * delayed by an event-loop turn), or earlier once {@link FLUSH_BYTES} are waiting. Every
 * `write()` of one batch shares one promise: one allocation per batch, not per message.
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
  #frames: Buffer[] = [];
  #bytes = 0;
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
    return this.#bytes;
  }

  /** Queues a frame; resolves when its batch is handed to the operating system, rejects if the write fails. */
  write(frame: Buffer): Promise<void> {
    const batch = (this.#batch ??= newBatch());
    this.push(frame);
    return batch.promise;
  }

  /** Queues a frame no one waits for (hello, pong, an error reply). */
  push(frame: Buffer): void {
    this.#frames.push(frame);
    this.#bytes += frame.length;
    if (this.#bytes >= FLUSH_BYTES || !this.#batching) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      process.nextTick(this.#flushTick);
    }
  }

  /** Hands what is gathered to the socket now. */
  flush(): void {
    const frames = this.#frames;
    if (frames.length === 0) return;
    const data = frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames, this.#bytes);
    const batch = this.#batch;
    this.#frames = [];
    this.#bytes = 0;
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
  end(frame?: Buffer): void {
    if (frame !== undefined) this.push(frame);
    this.flush();
    this.#socket.end();
  }
}
