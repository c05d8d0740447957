import { BadDataError } from '@oon/core';
import { DEFAULT_MAX_FRAME_BYTES, FRAME_LENGTH_BYTES } from './constants';
import { allocBytes, readU32BE } from '../platform/bytes';

/** Called once for each whole frame, in order. `payload` may share memory with the received chunk. */
export type FrameHandler = (kind: number, payload: Uint8Array) => void;

/**
 * Called once for each whole frame, in order, with its payload as `buf[start, end)`
 * rather than a view of its own: `buf` may be the received chunk, shared with other frames.
 */
export type FrameSpanHandler = (kind: number, buf: Uint8Array, start: number, end: number) => void;

/** Options of {@link FrameDecoder}. */
export interface FrameDecoderOptions {
  /** Largest frame length accepted (kind + payload). @default 1 MiB */
  maxFrameBytes?: number;
}

const AWAITING_LENGTH = -1;

/**
 * Splits a byte stream into frames (`[u32 BE length][u8 kind][payload]`), whatever the
 * cuts: a frame may arrive one byte at a time, and several may arrive in one chunk.
 *
 * A state machine with two states: waiting for the 4 length bytes, then waiting for
 * `length` bytes of body. Chunks are kept in a list and joined only when a frame
 * crosses them; frames wholly inside a chunk skip the machine and are cut straight out
 * of it. A length of 0 or over `maxFrameBytes` throws `BadData` as soon as the
 * 4 length bytes are in, before any of the frame is buffered; after that the decoder
 * is spent and the connection must be dropped.
 */
export class FrameDecoder {
  readonly #maxFrameBytes: number;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #frameLength = AWAITING_LENGTH;

  constructor(options: FrameDecoderOptions = {}) {
    this.#maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Bytes received but not yet handed out as frames. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** True while part of a frame has arrived and the rest has not. */
  get midFrame(): boolean {
    return this.#buffered > 0 || this.#frameLength !== AWAITING_LENGTH;
  }

  /** Feeds received bytes; calls `onFrame` for every frame they complete. Throws `BadData` on a bad length. */
  push(chunk: Uint8Array, onFrame: FrameHandler): void {
    this.pushSpans(chunk, (kind, buf, start, end) => onFrame(kind, buf.subarray(start, end)));
  }

  /**
   * As {@link FrameDecoder.push}, handing each payload out as a span of a buffer: a view
   * per frame (`subarray`, a Buffer's construction) was a tenth of a receiver's time in a
   * burst of small messages.
   */
  pushSpans(chunk: Uint8Array, onFrame: FrameSpanHandler): void {
    if (chunk.length === 0) return;
    let rest = chunk;
    if (this.midFrame) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
      if (!this.#completePending(onFrame) || this.#buffered === 0) return;
      // What was buffered before this chunk did not make a frame, so what is left now is
      // a tail of this chunk alone.
      rest = this.#chunks[0] as Uint8Array;
      this.#chunks = [];
      this.#buffered = 0;
    }
    // Frames wholly inside the chunk (the usual case) are handed out straight from it, as
    // spans of it; only a cut tail is buffered.
    const offset = this.#framesIn(rest, onFrame);
    if (offset < rest.length) {
      this.#chunks.push(offset === 0 ? rest : rest.subarray(offset));
      this.#buffered = rest.length - offset;
    }
  }

  /** The state machine, for a frame that spans chunks: hands it out once all of it is in; false while it is not. */
  #completePending(onFrame: FrameSpanHandler): boolean {
    if (this.#frameLength === AWAITING_LENGTH) {
      if (this.#buffered < FRAME_LENGTH_BYTES) return false;
      this.#frameLength = this.#checkLength(readU32BE(this.#consume(FRAME_LENGTH_BYTES), 0));
    }
    if (this.#buffered < this.#frameLength) return false;
    const body = this.#consume(this.#frameLength);
    this.#frameLength = AWAITING_LENGTH;
    onFrame(body[0] as number, body, 1, body.length);
    return true;
  }

  /** Hands out the whole frames at the start of `chunk` (nothing pending); returns where the rest begins. */
  #framesIn(chunk: Uint8Array, onFrame: FrameSpanHandler): number {
    let offset = 0;
    while (chunk.length - offset >= FRAME_LENGTH_BYTES) {
      const length = this.#checkLength(readU32BE(chunk, offset));
      const body = offset + FRAME_LENGTH_BYTES;
      if (chunk.length - body < length) break;
      offset = body + length;
      onFrame(chunk[body] as number, chunk, body + 1, offset);
    }
    return offset;
  }

  #checkLength(length: number): number {
    if (length === 0) {
      throw new BadDataError('frame length is 0; every frame holds at least its kind byte (is the peer speaking OON?)');
    }
    if (length > this.#maxFrameBytes) {
      throw new BadDataError(
        `frame of ${length} bytes is over the limit of ${this.#maxFrameBytes} bytes: raise maxFrameBytes on both sides, or send smaller objects (is the peer speaking OON?)`,
      );
    }
    return length;
  }

  /** Takes `n` buffered bytes off the front, copying only when they span chunks. */
  #consume(n: number): Uint8Array {
    this.#buffered -= n;
    const first = this.#chunks[0] as Uint8Array;
    if (first.length > n) {
      this.#chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    if (first.length === n) {
      this.#chunks.shift();
      return first;
    }
    const out = allocBytes(n);
    let offset = 0;
    while (offset < n) {
      const chunk = this.#chunks[0] as Uint8Array;
      const take = Math.min(chunk.length, n - offset);
      out.set(take === chunk.length ? chunk : chunk.subarray(0, take), offset);
      offset += take;
      if (take === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(take);
    }
    return out;
  }
}

