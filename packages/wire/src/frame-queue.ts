import { BadDataError } from '@oon/core';
import type { FrameDecoder } from './frame-decoder';
import type { JsonDocumentSplitter } from './json-document-splitter';
import { sniffForeignProtocol, StreamStart } from './protocol-sniffer';

/** What a {@link FrameQueue} needs from its connection. */
export interface FrameQueueIo {
  /** True while the peer's frames are handled; false drops what arrives. */
  reading(): boolean;
  /** Handles one frame, in the order they arrived. */
  onFrame(kind: number, payload: Buffer): void;
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
 */
export class FrameQueue {
  readonly #decoder: FrameDecoder | JsonDocumentSplitter;
  readonly #io: FrameQueueIo;
  /** Frames decoded and not yet handled, from `#next` on. */
  #frames: Array<[kind: number, payload: Buffer]> = [];
  #next = 0;
  /** A decoding failure, reported once the frames before it are handled. */
  #failure: unknown;
  #holding = false;
  /** The stream's first bytes, kept until a frame is decoded, to name a foreign protocol. */
  #start: StreamStart | undefined;

  /** `sniff`: keep the stream's start, to name another protocol if it is refused. */
  constructor(decoder: FrameDecoder | JsonDocumentSplitter, sniff: boolean, io: FrameQueueIo) {
    this.#decoder = decoder;
    this.#io = io;
    this.#start = sniff ? new StreamStart() : undefined;
  }

  /** True while frames decoded earlier wait to be handled. */
  get pending(): boolean {
    return this.#frames.length > this.#next;
  }

  /** Decodes a chunk from the socket and handles the frames it completes. */
  push(chunk: Buffer): void {
    if (!this.#io.reading() || this.#failure !== undefined) return;
    const before = this.#frames.length;
    this.#start?.add(chunk);
    try {
      this.#decoder.push(chunk, this.#collect);
    } catch (err) {
      this.#failure = this.#diagnose(err);
    }
    const completed = this.#frames.length > before;
    if (completed) this.#start = undefined;
    this.#io.onBytes(this.#decoder.midFrame, completed);
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
    this.#frames = [];
    this.#next = 0;
  }

  /** A refused stream start is usually another protocol: say which, rather than "frame too long". */
  #diagnose(err: unknown): unknown {
    const diagnosis = this.#start === undefined ? undefined : sniffForeignProtocol(this.#start.bytes);
    if (diagnosis === undefined) return err;
    return new BadDataError(diagnosis, { cause: err });
  }

  /** Handles the frames decoded so far, in order, then any decoding failure. */
  #drain(): void {
    while (!this.#holding && this.#io.reading() && this.#next < this.#frames.length) {
      const [kind, payload] = this.#frames[this.#next++] as [number, Buffer];
      this.#io.onFrame(kind, payload);
    }
    if (this.#holding || !this.#io.reading()) return;
    this.#frames = [];
    this.#next = 0;
    if (this.#failure !== undefined) this.#io.onFailure(this.#failure);
  }

  readonly #collect = (kind: number, payload: Buffer): void => {
    this.#frames.push([kind, payload]);
  };
}
