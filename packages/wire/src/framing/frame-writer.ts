import { ByteWriter } from '../codec/binary/byte-writer';
import { FRAME_HEADER_BYTES, FRAME_LENGTH_BYTES, type FrameKind } from './constants';
import { encodeFrame } from './frame-encoder';
import { allocBytes, copyBytes, utf8Length } from '../platform/bytes';
import { afterTick } from '../platform/ticks';
import type { Transport } from '../transport/transport';

/**
 * Batches bigger than this are handed to the socket at once rather than at the end of the
 * tick, so a long burst reaches the peer while it is still being written and no batch
 * buffer grows without bound.
 */
const FLUSH_BYTES = 256 * 1024;
/** The smallest batch buffer: small enough to come from Node's buffer pool. */
const MIN_BATCH_BYTES = 512;
/** `#open` when no frame is being written. */
const NO_FRAME = -1;
/**
 * What the batch writer holds between batches: nothing, so an idle connection keeps no
 * batch buffer alive. From `allocBytes`, so that in Node the writer only ever holds
 * Buffers: a plain Uint8Array here would make its byte stores see two kinds of array.
 */
const NO_BUFFER = allocBytes(0);

/** A batch of frames that one socket write carries, and the promise its senders share. */
interface Batch {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Hands the writer bytes `slab[start, end)`: one or more whole frames, next to each other,
 * never written over while they may still be unsent (a session's log, `frame-store.ts`).
 */
export type RunWriter = (slab: Uint8Array, start: number, end: number) => void;

/**
 * Whole frames kept elsewhere (a session's log) that a {@link FrameWriter} pulls into its
 * batch where they lie, rather than being handed them one by one.
 */
export interface RunSource {
  /** Hands `write` every run of frames waiting for the writer, in order: after this, none waits until the source tells the writer again ({@link FrameWriter.writeLater}). */
  pullRuns(write: RunWriter): void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Senders share it, and one that dropped its promise must not end the process if the write fails.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** Bytes of a payload once in the frame. */
function payloadBytes(payload: string | Uint8Array): number {
  return typeof payload === 'string' ? utf8Length(payload) : payload.length;
}

/**
 * Gathers the frames written during one tick into one buffer and hands it to the socket
 * in one write (with a session's runs of frames, one gathered write).
 *
 * A socket write costs a syscall and a write request whatever its size, so a burst of
 * small messages written one by one spends most of its time there. A message is encoded
 * straight into the batch buffer, behind its frame header ({@link FrameWriter.beginFrame},
 * the codec writes into {@link FrameWriter.out}, {@link FrameWriter.endFrame} fills in the
 * length): no buffer and no copy per message. The batch goes out at the end of the tick
 * (`afterTick`: Node's `process.nextTick`, so a lone request is not delayed by an event-loop turn), or
 * earlier once {@link FLUSH_BYTES} are waiting. Every write of one batch shares one
 * promise: one allocation per batch, not per message. A new batch buffer is sized from
 * the last batch, so a lone request takes a small pooled buffer and a burst a big one.
 *
 * A session's messages are already whole frames in its log: they are not copied into the
 * batch but pulled from it where they lie. The session tells the writer once that its log
 * has frames waiting ({@link FrameWriter.writeLater}, which gives it the batch's promise
 * for all of them), not once per message; the writer pulls them
 * ({@link RunSource.pullRuns}) before it gathers any other frame, so they keep their place
 * among the connection's frames, and when the batch goes out (or at once, {@link
 * FrameWriter.pullNow}, once a burst of them passes {@link FLUSH_BYTES}). The runs
 * pulled are joined while each continues the last, and the batch goes out as its parts in
 * order (the batch buffer's frames, the log's runs) in one gathered write (`writev`).
 *
 * All of a connection's frames must go through one writer, so they stay in order; `end()`
 * writes what is gathered before ending the stream. A frame written while another is
 * being encoded (a getter that sends) follows that one.
 *
 * With `batch: false` every frame is its own write, for the origin's unframed wire, whose
 * receiver parses each `recv()` as one whole message.
 */
export class FrameWriter {
  readonly #transport: Pick<Transport, 'pendingBytes' | 'write' | 'writev' | 'end'>;
  readonly #failure: (error: Error) => Error;
  readonly #batching: boolean;
  /** The batch: frames gathered, then the frame being written, if any. */
  readonly #out = new ByteWriter(MIN_BATCH_BYTES);
  /** Bytes of whole frames in the batch: its parts, the open run, and the batch buffer's frames past the last part. */
  #gathered = 0;
  /** Of `#gathered`, the bytes of runs (not copied into the batch buffer). */
  #runBytes = 0;
  /** The batch so far, in order, when it holds runs: views of the batch buffer, and runs of a session's log. */
  #parts: Uint8Array[] = [];
  /** The run being gathered, `#runSlab[#runStart, #runEnd)` (empty when they are equal): extended while the next continues it. */
  #runSlab: Uint8Array = NO_BUFFER;
  #runStart = 0;
  #runEnd = 0;
  /** True once the batch has a buffer of its own (none between batches: the socket keeps the last). */
  #hasBuffer = false;
  /** Where the frame being written starts in the batch, or {@link NO_FRAME}. */
  #open = NO_FRAME;
  /** The source whose frames wait to be pulled into the batch, if one does. */
  #source: RunSource | undefined;
  /** Takes a pulled run into the batch (one function for every pull), made with the first: a link with no session never pulls. */
  #pulled: RunWriter | undefined;
  /** Frames written while one was being encoded, and an `end()` asked for then: they follow it. */
  #deferred: Uint8Array[] = [];
  #endDeferred = false;
  #lastBatchBytes = 0;
  /** Counts the batches handed to the transport: what is gathered now is batch number `batch`. */
  #batchNumber = 0;
  #batch: Batch | undefined;
  #scheduled = false;
  /** The transport's `pendingBytes` when the batch being gathered began. */
  #transportPending = 0;
  readonly #flushTick = (): void => {
    this.#scheduled = false;
    this.flush();
  };

  /**
   * `failure` turns a transport's write error into what the senders' promises reject with;
   * `batch: false` writes each frame at once.
   */
  constructor(transport: Pick<Transport, 'pendingBytes' | 'write' | 'writev' | 'end'>, failure: (error: Error) => Error, options: { batch?: boolean } = {}) {
    this.#transport = transport;
    this.#failure = failure;
    this.#batching = options.batch ?? true;
  }

  /** Names the batch being gathered: it changes each time one is handed to the transport (and {@link FrameWriter.socketPendingBytes} may change). */
  get batch(): number {
    return this.#batchNumber;
  }

  /**
   * Bytes the transport holds for the peer (a socket's `writableLength`, a WebSocket's
   * `bufferedAmount`), read once per batch: it
   * cannot change while a batch is gathered, since the socket is written only when the
   * batch goes out and write completions wait for the event loop, after the batch's tick.
   * A read per send was 4% of a sender's time in a burst of small messages.
   */
  get socketPendingBytes(): number {
    if (this.#gathered === 0) this.#transportPending = this.#transport.pendingBytes;
    return this.#transportPending;
  }

  /**
   * The length a frame of this payload announces (kind, prefix and payload), which the
   * decoder's `maxFrameBytes` limits: check it before {@link FrameWriter.writeFrame}.
   */
  static frameLength(payload: string | Uint8Array, prefix?: Uint8Array): number {
    return 1 + (prefix?.length ?? 0) + payloadBytes(payload);
  }

  /** True while a frame is being written (between `beginFrame` and `endFrame` or `abandonFrame`). */
  get frameOpen(): boolean {
    return this.#open !== NO_FRAME;
  }

  /**
   * Starts a frame of `kind` in the batch, behind its header and `prefix`: its payload is
   * written into {@link FrameWriter.out}, then {@link FrameWriter.endFrame} or
   * {@link FrameWriter.abandonFrame}. One frame at a time: check `frameOpen` first.
   */
  beginFrame(kind: FrameKind, prefix?: Uint8Array): void {
    if (this.#open !== NO_FRAME) throw new Error('FrameWriter: a frame is already being written');
    this.#pull();
    this.#sealRun();
    const out = this.#batchOut(FRAME_HEADER_BYTES + (prefix?.length ?? 0));
    this.#open = out.length;
    out.ensure(FRAME_HEADER_BYTES);
    out.pos += FRAME_LENGTH_BYTES; // the length, filled in by endFrame
    out.u8(kind);
    if (prefix !== undefined) out.raw(prefix);
  }

  /** Where the open frame's payload goes. */
  get out(): ByteWriter {
    return this.#out;
  }

  /** The length the open frame announces so far (kind, prefix and payload), which the decoder's `maxFrameBytes` limits. */
  get openFrameLength(): number {
    return this.#out.length - this.#open - FRAME_LENGTH_BYTES;
  }

  /** Closes the open frame; resolves when its batch is handed to the operating system, rejects if the write fails. */
  endFrame(): Promise<void> {
    const batch = (this.#batch ??= newBatch());
    const at = this.#open;
    const bytes = this.#out.length - at;
    this.#out.setU32BE(at, bytes - FRAME_LENGTH_BYTES);
    this.#open = NO_FRAME;
    this.#gathered += bytes;
    this.#afterFrame();
    return batch.promise;
  }

  /** Drops the open frame (it failed to encode, or is over a limit): nothing of it is sent. */
  abandonFrame(): void {
    this.#out.truncate(this.#open);
    this.#open = NO_FRAME;
    this.#afterFrame();
  }

  /**
   * Queues the frame `[u32 BE length][u8 kind][prefix][payload]`, a string payload as
   * UTF-8; resolves when its batch is handed to the operating system, rejects if the
   * write fails.
   */
  writeFrame(kind: FrameKind, payload: string | Uint8Array, prefix?: Uint8Array): Promise<void> {
    if (this.#open !== NO_FRAME) return this.write(encodeFrame(kind, payload, prefix));
    this.beginFrame(kind, prefix);
    if (typeof payload === 'string') this.#out.utf8(payload);
    else this.#out.copy(payload);
    return this.endFrame();
  }

  /** Queues bytes already framed (or, on the origin's wire, a whole message); resolves as {@link FrameWriter.writeFrame}. */
  write(frame: Uint8Array): Promise<void> {
    const batch = (this.#batch ??= newBatch());
    this.push(frame);
    return batch.promise;
  }

  /**
   * `source` has whole frames waiting for this connection (a session's log): they go in
   * the batch being gathered, pulled where they lie (the source never writes over them
   * while they may be unsent) before any frame written after this call, and at the latest
   * when the batch goes out. Returns the batch's promise, which resolves when it is handed
   * to the operating system and rejects if the write fails. Once pulled, the source tells
   * the writer again when more wait.
   */
  writeLater(source: RunSource): Promise<void> {
    const batch = (this.#batch ??= newBatch());
    // One source at a time: another's frames, told first, go first.
    if (this.#source !== source) this.#pull();
    this.#source = source;
    // Told while a frame is being encoded (a getter that sends): taken now, copied, so they
    // follow that frame and precede what else is written before it ends.
    if (this.#open !== NO_FRAME) this.#pull();
    this.#schedule();
    return batch.promise;
  }

  /** Pulls what the source waiting holds now, and writes the batch if it is over {@link FLUSH_BYTES} (a long burst of a session's messages). */
  pullNow(): void {
    if (this.#source === undefined) return;
    this.#pull();
    this.#afterFrame();
  }

  /** Queues bytes already framed that no one waits for (hello, pong, an error reply). */
  push(frame: Uint8Array): void {
    this.#pull();
    if (this.#open !== NO_FRAME) {
      // Copied: the caller may reuse its buffer before the open frame ends.
      this.#deferred.push(Uint8Array.from(frame));
      return;
    }
    this.#gather(frame);
    this.#afterFrame();
  }

  /** Hands what is gathered to the socket now (once the frame being written, if any, is done). */
  flush(): void {
    if (this.#open !== NO_FRAME) return;
    this.#pull();
    const batch = this.#batch;
    if (this.#gathered === 0) {
      // Only a source told the writer of frames, and had none left when pulled (its link
      // dropped first, and it keeps them for the next): there is nothing to wait for.
      this.#batch = undefined;
      batch?.resolve();
      return;
    }
    this.#sealRun();
    const parts = this.#parts;
    let data: Uint8Array | undefined;
    if (parts.length === 0) data = this.#out.finish();
    else {
      this.#sealBuffer();
      this.#parts = [];
      if (parts.length === 1) data = parts[0];
    }
    this.#lastBatchBytes = this.#gathered - this.#runBytes;
    // The socket keeps the batch until it is written, so the next batch gets a new buffer.
    this.#out.adopt(NO_BUFFER);
    this.#hasBuffer = false;
    this.#gathered = 0;
    this.#runBytes = 0;
    this.#batch = undefined;
    this.#batchNumber += 1;
    const done =
      batch === undefined
        ? undefined
        : (err?: Error | null): void => {
            if (err) batch.reject(this.#failure(err));
            else batch.resolve();
          };
    if (data !== undefined) this.#transport.write(data, done);
    else this.#writeParts(parts, done);
  }

  /** Writes the parts of a batch in order: in one gathered write where the transport has one. */
  #writeParts(parts: readonly Uint8Array[], done: ((err?: Error | null) => void) | undefined): void {
    const transport = this.#transport;
    if (transport.writev !== undefined) {
      transport.writev(parts, done);
      return;
    }
    // Writes complete in order: the last one's completion is the batch's.
    const last = parts.length - 1;
    for (let i = 0; i < last; i++) transport.write(parts[i] as Uint8Array);
    transport.write(parts[last] as Uint8Array, done);
  }

  /** The run being gathered becomes a part of the batch (something else is written after it). */
  #sealRun(): void {
    if (this.#runEnd === this.#runStart) return;
    this.#parts.push(this.#runSlab.subarray(this.#runStart, this.#runEnd));
    this.#runSlab = NO_BUFFER;
    this.#runStart = 0;
    this.#runEnd = 0;
  }

  /** The frames in the batch buffer since its last part become a part (a run is written after them). */
  #sealBuffer(): void {
    if (this.#hasBuffer && this.#out.length > 0) this.#parts.push(this.#out.finish());
  }

  /** Writes what is gathered (and `frame`, if given), then ends the stream. */
  end(frame?: Uint8Array): void {
    if (frame !== undefined) this.push(frame);
    if (this.#open !== NO_FRAME) {
      this.#endDeferred = true;
      return;
    }
    this.flush();
    this.#transport.end();
  }

  /** The batch's writer with room for `bytes` more; a new batch takes a buffer sized from the last one. */
  #batchOut(bytes: number): ByteWriter {
    const out = this.#out;
    if (!this.#hasBuffer) {
      const size = Math.max(bytes, MIN_BATCH_BYTES, Math.min(FLUSH_BYTES, 2 * this.#lastBatchBytes));
      out.adopt(allocBytes(size));
      out.slabSize = size;
      this.#hasBuffer = true;
    }
    return out;
  }

  /** Copies a whole frame into the batch. */
  #gather(frame: Uint8Array): void {
    this.#pull();
    this.#sealRun();
    this.#batchOut(frame.length).copy(frame);
    this.#gathered += frame.length;
  }

  /** After a frame is gathered or dropped: what waited for it, then a write now or once the tick ends. */
  #afterFrame(): void {
    if (this.#deferred.length > 0) {
      const deferred = this.#deferred;
      this.#deferred = [];
      for (const frame of deferred) this.#gather(frame);
    }
    if (this.#endDeferred) {
      this.#endDeferred = false;
      this.end();
      return;
    }
    if (this.#gathered === 0) return;
    if (this.#gathered >= FLUSH_BYTES || !this.#batching) this.flush();
    else this.#schedule();
  }

  /** The batch goes out at the end of the tick. */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    afterTick(this.#flushTick);
  }

  /** Takes into the batch the frames the source waiting holds: before any other frame, so they keep their place. */
  #pull(): void {
    const source = this.#source;
    if (source === undefined) return;
    this.#source = undefined;
    source.pullRuns((this.#pulled ??= (slab, start, end) => this.#addRun(slab, start, end)));
  }

  /**
   * Adds whole frames of a session's log, `slab[start, end)`, to the batch without
   * copying them, joined to the run being gathered if they continue it. Pulled while a
   * frame is being encoded (a getter that sends, or a frame written then), they are copied
   * to follow it.
   */
  #addRun(slab: Uint8Array, start: number, end: number): void {
    if (this.#open !== NO_FRAME) {
      this.#deferred.push(copyBytes(slab.subarray(start, end)));
      return;
    }
    if (slab === this.#runSlab && start === this.#runEnd && this.#runEnd !== this.#runStart) this.#runEnd = end;
    else {
      this.#sealRun();
      this.#sealBuffer();
      this.#runSlab = slab;
      this.#runStart = start;
      this.#runEnd = end;
    }
    this.#gathered += end - start;
    this.#runBytes += end - start;
  }
}
