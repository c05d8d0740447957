import { BadDataError } from '@oon/core';
import type { FrameSpanHandler } from './frame-decoder';
import { sniffForeignProtocol, StreamStart } from './protocol-sniffer';

/** What a {@link FrameQueue} reads frames with: a `FrameDecoder`, or the origin's `JsonDocumentSplitter`. */
export interface FrameSource {
  /** True while part of a frame has arrived and the rest has not. */
  readonly midFrame: boolean;
  /** Feeds received bytes, handing out each frame they complete; throws `BadData` on malformed bytes. */
  pushSpans(chunk: Uint8Array, onFrame: FrameSpanHandler): void;
}

/** Where a {@link FrameQueue} hands the frames: the connection's router. */
export interface FrameHandler {
  /** Handles one frame, in the order they arrived: its payload is `buf[start, end)`. */
  onFrame(kind: number, buf: Uint8Array, start: number, end: number): void;
}

/** What a {@link FrameQueue} needs from its connection. */
export interface FrameQueueIo {
  /** True while the peer's frames are handled; false drops what arrives. */
  reading(): boolean;
  /** The stream could not be decoded; called once the frames before the fault are handled. */
  onFailure(error: unknown): void;
  /** Bytes arrived: whether a frame is still half-read, and whether one was completed (the watchdog's clock). */
  onBytes(midFrame: boolean, completed: boolean): void;
  /** Stops and restarts reading the socket while frames are held (the read gate). */
  pause(): void;
  resume(): void;
}

/**
 * The read side of a connection: decodes chunks into frames and hands them on in order.
 * They can be held (the socket stops reading too, so order is kept) while the handshake
 * waits on the owner; a decoding failure is reported only after the frames before it
 * are handled. Frames are handled outside the decoder's try, so an exception thrown by
 * a user's `'message'` listener is not mistaken for bad data from the peer.
 *
 * Frames wait as spans in four parallel arrays, reused from chunk to chunk: a tuple
 * and a view per frame showed in a receiver's profile.
 */
export class FrameQueue {
  readonly #decoder: FrameSource;
  /** Called directly, not through a closure of the connection's: one call less per frame, on the path V8 inlines. */
  readonly #handler: FrameHandler;
  readonly #io: FrameQueueIo;
  /** Frames decoded and not yet handled, from `#next` to `#count`: kind, buffer, start and end of each. */
  readonly #kinds: number[] = [];
  readonly #bufs: Array<Uint8Array | undefined> = [];
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];
  #count = 0;
  #next = 0;
  /** A decoding failure, reported once the frames before it are handled. */
  #failure: unknown;
  #holding = false;
  /** The stream's first bytes, kept until a frame is decoded, to name a foreign protocol. */
  #start: StreamStart | undefined;

  /** `sniff`: keep the stream's start, to name another protocol if it is refused. */
  constructor(decoder: FrameSource, sniff: boolean, handler: FrameHandler, io: FrameQueueIo) {
    this.#decoder = decoder;
    this.#handler = handler;
    this.#io = io;
    this.#start = sniff ? new StreamStart() : undefined;
  }

  /** True while frames decoded earlier wait to be handled. */
  get pending(): boolean {
    return this.#count > this.#next;
  }

  /** Decodes a chunk from the socket and handles the frames it completes. */
  push(chunk: Uint8Array): void {
    if (!this.#io.reading() || this.#failure !== undefined) return;
    const before = this.#count;
    this.#start?.add(chunk);
    try {
      this.#decoder.pushSpans(chunk, this.#collect);
    } catch (err) {
      this.#failure = this.#diagnose(err);
    }
    const completed = this.#count > before;
    if (completed) this.#start = undefined;
    this.#io.onBytes(this.#decoder.midFrame, completed);
    this.#drain();
  }

  /**
   * The transport received what cannot be part of the stream (a WebSocket text message):
   * a decoding failure like a bad frame, reported once the frames before it are handled.
   */
  fail(error: unknown): void {
    if (!this.#io.reading() || this.#failure !== undefined) return;
    this.#failure = error;
    this.#drain();
  }

  /** The handshake is done: a later fault is no other protocol's start. */
  forgetStart(): void {
    this.#start = undefined;
  }

  /** Stops handling frames (and reading, so order is kept) until {@link FrameQueue.release}. */
  hold(): void {
    this.#holding = true;
    this.#io.pause();
  }

  /** Handles the frames held, and reads again. */
  release(): void {
    this.#holding = false;
    this.#io.resume();
    this.#drain();
  }

  /** The connection closed: frames never handled (the peer was dropped mid-chunk) hold views of received chunks. */
  clear(): void {
    this.#forget();
  }

  /** A refused stream start is usually another protocol: say which, rather than "frame too long". */
  #diagnose(err: unknown): unknown {
    const diagnosis = this.#start === undefined ? undefined : sniffForeignProtocol(this.#start.bytes);
    if (diagnosis === undefined) return err;
    return new BadDataError(diagnosis, { cause: err });
  }

  /** Handles the frames decoded so far, in order, then any decoding failure. */
  #drain(): void {
    while (!this.#holding && this.#io.reading() && this.#next < this.#count) {
      const i = this.#next++;
      this.#handler.onFrame(this.#kinds[i] as number, this.#bufs[i] as Uint8Array, this.#starts[i] as number, this.#ends[i] as number);
    }
    if (this.#holding || !this.#io.reading()) return;
    this.#forget();
    if (this.#failure !== undefined) this.#io.onFailure(this.#failure);
  }

  /** Empties the queue, letting go of the received chunks its frames point into. */
  #forget(): void {
    this.#bufs.fill(undefined, 0, this.#count);
    this.#count = 0;
    this.#next = 0;
  }

  readonly #collect = (kind: number, buf: Uint8Array, start: number, end: number): void => {
    const i = this.#count++;
    this.#kinds[i] = kind;
    this.#bufs[i] = buf;
    this.#starts[i] = start;
    this.#ends[i] = end;
  };
}
