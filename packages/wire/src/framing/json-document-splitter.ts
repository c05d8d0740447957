import { BadDataError } from '@oon/core';
import { DEFAULT_MAX_FRAME_BYTES, FrameKind } from './constants';
import type { FrameHandler, FrameSpanHandler } from './frame-decoder';
import { concatBytes } from '../platform/bytes';

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Options of {@link JsonDocumentSplitter}. */
export interface JsonDocumentSplitterOptions {
  /** Largest document accepted, in bytes. @default 1 MiB */
  maxDocumentBytes?: number;
}

/**
 * Splits the origin's unframed stream (Python oon 0.0.5: one JSON object per
 * `socket.send`, nothing between them) into whole JSON documents, whatever the cuts:
 * a document may arrive in several reads and several may arrive glued in one.
 *
 * It tracks only nesting depth and whether it is inside a string, byte by byte; UTF-8
 * continuation bytes are all >= 0x80, so they never look like structure. A document
 * is handed on as a `Message` unit, to be parsed by the JSON codec. Bytes outside a
 * document other than whitespace, or a document over `maxDocumentBytes`, are `BadData`.
 */
export class JsonDocumentSplitter {
  readonly #maxDocumentBytes: number;
  /** Earlier chunks' bytes of the document in progress. */
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #depth = 0;
  #inString = false;
  #escaped = false;

  constructor(options: JsonDocumentSplitterOptions = {}) {
    this.#maxDocumentBytes = options.maxDocumentBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** True while part of a document has arrived and the rest has not. */
  get midFrame(): boolean {
    return this.#depth > 0;
  }

  /** Feeds received bytes; calls `onDocument` with `FrameKind.Message` for each document they complete. */
  push(chunk: Uint8Array, onDocument: FrameHandler): void {
    this.pushSpans(chunk, (kind, buf, start, end) => onDocument(kind, buf.subarray(start, end)));
  }

  /** As {@link JsonDocumentSplitter.push}, each document as a span of a buffer (what a `FrameQueue` reads). */
  pushSpans(chunk: Uint8Array, onDocument: FrameSpanHandler): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (this.#depth === 0) {
        if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
        if (byte !== OPEN_BRACE) throw notADocument(chunk, i);
        start = i;
        this.#depth = 1;
        continue;
      }
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (byte === BACKSLASH) this.#escaped = true;
        else if (byte === QUOTE) this.#inString = false;
        continue;
      }
      if (byte === QUOTE) this.#inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.#depth++;
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.#depth--;
        if (this.#depth === 0) {
          this.#checkSize(this.#pendingBytes + i + 1 - start);
          const whole = this.#take(chunk.subarray(start, i + 1));
          onDocument(FrameKind.Message, whole, 0, whole.length);
        }
      }
    }
    if (this.#depth > 0) {
      const rest = chunk.subarray(start);
      this.#checkSize(this.#pendingBytes + rest.length);
      this.#pending.push(rest);
      this.#pendingBytes += rest.length;
    }
  }

  #take(last: Uint8Array): Uint8Array {
    if (this.#pending.length === 0) return last;
    const whole = concatBytes([...this.#pending, last]);
    this.#pending = [];
    this.#pendingBytes = 0;
    return whole;
  }

  #checkSize(bytes: number): void {
    if (bytes > this.#maxDocumentBytes) {
      throw new BadDataError(
        `origin peer's JSON message is over ${this.#maxDocumentBytes} bytes (maxFrameBytes) and still not complete`,
      );
    }
  }
}

function notADocument(chunk: Uint8Array, at: number): BadDataError {
  const shown = JSON.stringify(String.fromCharCode(...chunk.subarray(at, at + 16)));
  return new BadDataError(`origin peer sent ${shown}, which does not start a JSON object; oon 0.0.5 peers send {"head": …, "body": …}`);
}
