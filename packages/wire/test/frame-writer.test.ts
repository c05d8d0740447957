import { Writable, type Duplex } from 'node:stream';
import { BadConnError } from '@oon/core';
import { encodeFrame, FrameDecoder, FrameKind } from '@oon/wire';
import { FrameWriter, type RunSource } from '../src/framing/frame-writer';
import { SocketTransport } from '../src/transport/socket-transport';

/** A stream that records each write it is handed (as the socket would get them), optionally failing them. */
function recordingStream(fail?: Error): { stream: Duplex; writes: Buffer[] } {
  const writes: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writes.push(chunk);
      callback(fail ?? null);
    },
  });
  // The writer only writes and ends; a Writable stands in for the socket's writable half.
  return { stream: stream as unknown as Duplex, writes };
}

const failure = (err: Error): Error => new BadConnError(`sending failed: ${err.message}`, { cause: err });

function messageFrames(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => encodeFrame(FrameKind.Message, `message ${i}`));
}

/** Writes at the start of `slab` one Message frame announcing `length` (its payload zeros); returns its end. */
function encodeFrameInto(slab: Buffer, length: number): number {
  slab.writeUInt32BE(length, 0);
  slab[4] = FrameKind.Message;
  return 4 + length;
}

function decodeAll(bytes: Buffer): string[] {
  const out: string[] = [];
  new FrameDecoder().push(bytes, (kind, payload) => out.push(`${kind}:${payload.toString()}`));
  return out;
}

describe('FrameWriter', () => {
  describe('#write()', () => {
    it('hands the frames of one tick to the stream in one write, in order', async () => {
      const { stream, writes } = recordingStream();
      const writer = new FrameWriter(new SocketTransport(stream), failure);

      const sent = messageFrames(500).map((frame) => writer.write(frame));
      expect(writes).toHaveLength(0);
      await Promise.all(sent);

      expect(writes).toHaveLength(1);
      expect(decodeAll(writes[0] as Buffer)).toEqual(Array.from({ length: 500 }, (_, i) => `${FrameKind.Message}:message ${i}`));
    });

    it('resolves only once the stream took the batch', async () => {
      const { stream, writes } = recordingStream();
      const writer = new FrameWriter(new SocketTransport(stream), failure);
      let resolved = false;
      const sent = writer.write(encodeFrame(FrameKind.Message, 'x')).then(() => (resolved = true));
      await Promise.resolve();
      expect(resolved).toBe(false);
      await sent;
      expect(writes).toHaveLength(1);
    });

    it('rejects every send of a failed batch with the mapped error', async () => {
      const { stream } = recordingStream(new Error('EPIPE'));
      stream.on('error', () => {});
      const writer = new FrameWriter(new SocketTransport(stream), failure);

      const sent = messageFrames(3).map((frame) => writer.write(frame));

      for (const promise of sent) {
        const error: unknown = await promise.then(() => undefined, (err: unknown) => err);
        expect(error).toBeInstanceOf(BadConnError);
        expect((error as BadConnError).message).toBe('sending failed: EPIPE');
        expect(((error as BadConnError).cause as Error).message).toBe('EPIPE');
      }
    });

    it('writes a long burst before the tick ends once 256 KiB are gathered', () => {
      const { stream, writes } = recordingStream();
      const writer = new FrameWriter(new SocketTransport(stream), failure);
      const big = encodeFrame(FrameKind.Message, 'x'.repeat(100 * 1024));

      writer.push(big);
      writer.push(big);
      expect(writes).toHaveLength(0);
      writer.push(big);

      expect(writes).toHaveLength(1);
      expect(writes[0]?.length).toBe(3 * big.length);
      // Nothing was left gathered: a flush now writes nothing more.
      writer.flush();
      expect(writes).toHaveLength(1);
    });

    it('writes each frame at once with batch: false (the origin reads one message per recv)', () => {
      const { stream, writes } = recordingStream();
      const writer = new FrameWriter(new SocketTransport(stream), failure, { batch: false });

      void writer.write(Buffer.from('{"a": 1}'));
      void writer.write(Buffer.from('{"b": 2}'));

      expect(writes.map(String)).toEqual(['{"a": 1}', '{"b": 2}']);
    });
  });

  describe('#writeFrame()', () => {
    it('writes [u32 BE length][u8 kind][prefix][payload], a string as UTF-8, as encodeFrame does', async () => {
      const { stream, writes } = recordingStream();
      const writer = new FrameWriter(new SocketTransport(stream), failure);
      const prefix = Buffer.from([0, 0, 0, 7]);

      const sent = [
        writer.writeFrame(FrameKind.Request, Buffer.from([1, 2, 3]), prefix),
        writer.writeFrame(FrameKind.Message, 'héllo'),
        writer.writeFrame(FrameKind.Ping, ''),
      ];
      await Promise.all(sent);

      expect(writes).toHaveLength(1);
      expect((writes[0] as Buffer).toString('hex')).toBe(
        Buffer.concat([encodeFrame(FrameKind.Request, Buffer.from([1, 2, 3]), prefix), encodeFrame(FrameKind.Message, 'héllo'), encodeFrame(FrameKind.Ping)]).toString('hex'),
      );
      expect((writes[0] as Buffer).subarray(0, 9).toString('hex')).toBe('0000000803' + '00000007');
    });

    it('grows its batch buffer through a burst without losing or reordering a byte', async () => {
      const { stream, writes } = recordingStream();
      const writer = new FrameWriter(new SocketTransport(stream), failure);
      const payloads = Array.from({ length: 2_000 }, (_, i) => Buffer.alloc(1 + (i % 97), i % 251));

      await Promise.all(payloads.map((payload) => writer.writeFrame(FrameKind.Message, payload)));

      const got: Buffer[] = [];
      const decoder = new FrameDecoder();
      for (const chunk of writes) decoder.push(chunk, (_kind, payload) => got.push(Buffer.from(payload)));
      expect(got).toEqual(payloads);
    });

    it('counts the length the decoder limits: kind, prefix and UTF-8 payload bytes', () => {
      expect(FrameWriter.frameLength('é', Buffer.alloc(4))).toBe(1 + 4 + 2);
      expect(FrameWriter.frameLength(new Uint8Array(10))).toBe(11);
    });
  });

  describe('#beginFrame() .. #endFrame()', () => {
    it('writes a payload put into out() behind the header and prefix, the length filled in at the end', async () => {
      const { stream, writes } = recordingStream();
      const writer = new FrameWriter(new SocketTransport(stream), failure);

      writer.beginFrame(FrameKind.Request, Buffer.from([0, 0, 0, 7]));
      writer.out.copy(Buffer.from('abc'));
      expect(writer.openFrameLength).toBe(1 + 4 + 3);
      const sent = writer.endFrame();
      void writer.writeFrame(FrameKind.Message, 'next');
      await sent;

      expect(writes).toHaveLength(1);
      expect((writes[0] as Buffer).toString('hex')).toBe(
        Buffer.concat([encodeFrame(FrameKind.Request, 'abc', Buffer.from([0, 0, 0, 7])), encodeFrame(FrameKind.Message, 'next')]).toString('hex'),
      );
    });

    it('drops an abandoned frame whole, keeping the frames around it', async () => {
      const { stream, writes } = recordingStream();
      const writer = new FrameWriter(new SocketTransport(stream), failure);

      const first = writer.writeFrame(FrameKind.Message, 'kept 1');
      writer.beginFrame(FrameKind.Message);
      writer.out.copy(Buffer.alloc(5000, 1)); // past the batch buffer: it grows while the frame is open
      writer.abandonFrame();
      expect(writer.frameOpen).toBe(false);
      const last = writer.writeFrame(FrameKind.Message, 'kept 2');
      await Promise.all([first, last]);

      expect(writes).toHaveLength(1);
      expect(decodeAll(writes[0] as Buffer)).toEqual([`${FrameKind.Message}:kept 1`, `${FrameKind.Message}:kept 2`]);
    });

    it('puts frames written while one is open (a getter that sends) after it, and holds an end() until it is done', async () => {
      const { stream, writes } = recordingStream();
      const writer = new FrameWriter(new SocketTransport(stream), failure);
      const finished = new Promise((resolve) => stream.on('finish', resolve));

      writer.beginFrame(FrameKind.Message);
      writer.out.copy(Buffer.from('outer'));
      const nested = writer.writeFrame(FrameKind.Message, 'nested');
      const pushed = Buffer.from(encodeFrame(FrameKind.Pong));
      writer.push(pushed);
      pushed.fill(0); // the writer copied it
      writer.end(encodeFrame(FrameKind.Error, 'bye'));
      expect(writes).toHaveLength(0);
      const outer = writer.endFrame();
      await Promise.all([outer, nested, finished]);

      expect(writes).toHaveLength(1);
      expect(decodeAll(writes[0] as Buffer)).toEqual([
        `${FrameKind.Message}:outer`,
        `${FrameKind.Message}:nested`,
        `${FrameKind.Pong}:`,
        `${FrameKind.Error}:bye`,
      ]);
    });

    it('lets go of a batch buffer once the batch is handed over, so an idle connection keeps none alive', async () => {
      const { stream, writes } = recordingStream();
      const writer = new FrameWriter(new SocketTransport(stream), failure);
      await Promise.all(messageFrames(2_000).map((frame) => writer.write(frame)));
      expect(writes).toHaveLength(1);
      expect(writer.out.buf.length).toBe(0);
      await writer.writeFrame(FrameKind.Message, 'again');
      expect(decodeAll(writes[1] as Buffer)).toEqual([`${FrameKind.Message}:again`]);
    });

    it('refuses a second beginFrame() while one is open', () => {
      const writer = new FrameWriter(new SocketTransport(recordingStream().stream), failure);
      writer.beginFrame(FrameKind.Message);
      expect(() => writer.beginFrame(FrameKind.Message)).toThrow('a frame is already being written');
    });
  });

  describe('#writeLater()', () => {
    /** A stream with a gathered write, recording each call's chunks as handed over. */
    function gatheringStream(): { stream: Duplex; calls: Buffer[][] } {
      const calls: Buffer[][] = [];
      const stream = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          calls.push([chunk]);
          callback();
        },
        writev(chunks, callback) {
          calls.push(chunks.map(({ chunk }) => chunk as Buffer));
          callback();
        },
      });
      return { stream: stream as unknown as Duplex, calls };
    }

    /** A session log's slab holding `count` message frames one after another, and where each ends. */
    function logSlab(count: number): { slab: Buffer; ends: number[] } {
      const frames = messageFrames(count).map((frame) => Buffer.from(frame));
      const ends: number[] = [];
      frames.reduce((at, frame) => (ends.push(at + frame.length), at + frame.length), 0);
      // Memory of its own (as a log's slab), not Node's pool, which the batch buffer may share.
      const slab = Buffer.from(new ArrayBuffer((ends.at(-1) as number) + 64));
      Buffer.concat(frames).copy(slab);
      return { slab, ends };
    }

    /** A source that hands the runs queued in it when pulled, as a session's log does (each once). */
    function runSource(): RunSource & { queue(slab: Uint8Array, start: number, end: number): void; pulls: number } {
      let waiting: Array<[Uint8Array, number, number]> = [];
      return {
        pulls: 0,
        queue(slab, start, end) {
          waiting.push([slab, start, end]);
        },
        pullRuns(write) {
          this.pulls += 1;
          const runs = waiting;
          waiting = [];
          for (const [slab, start, end] of runs) write(slab, start, end);
        },
      };
    }

    it("hands a session log's runs to the socket where they lie, joined while each continues the last, in order with copied frames, in one gathered write", async () => {
      const { stream, calls } = gatheringStream();
      const writer = new FrameWriter(new SocketTransport(stream), failure);
      const { slab, ends } = logSlab(3);
      const source = runSource();

      const before = writer.writeFrame(FrameKind.Request, 'before');
      source.queue(slab, 0, ends[0] as number);
      source.queue(slab, ends[0] as number, ends[1] as number);
      const told = writer.writeLater(source);
      source.queue(slab, ends[1] as number, ends[2] as number);
      // Told again before it pulled: one pull takes all three.
      const again = writer.writeLater(source);
      const after = writer.writeFrame(FrameKind.Request, 'after');
      const sent = [before, told, again, after];
      expect(new Set(sent).size).toBe(1);
      await Promise.all(sent);

      expect(source.pulls).toBe(1);
      expect(calls).toHaveLength(1);
      const [parts] = calls as [Buffer[]];
      expect(parts).toHaveLength(3);
      // The run is the log's own memory, not a copy.
      expect(parts[1]?.buffer).toBe(slab.buffer);
      expect(parts[1]?.byteOffset).toBe(slab.byteOffset);
      expect(parts[1]?.length).toBe(ends[2]);
      expect(decodeAll(Buffer.concat(parts))).toEqual([
        `${FrameKind.Request}:before`,
        ...Array.from({ length: 3 }, (_, i) => `${FrameKind.Message}:message ${i}`),
        `${FrameKind.Request}:after`,
      ]);
    });

    it('pulls what it was told of before any frame written later, and what it is told of after that at the end of the tick', async () => {
      const { stream, calls } = gatheringStream();
      const writer = new FrameWriter(new SocketTransport(stream), failure);
      const { slab, ends } = logSlab(2);
      const source = runSource();
      source.queue(slab, 0, ends[0] as number);
      const first = writer.writeLater(source);
      writer.push(encodeFrame(FrameKind.Ack, 'control'));
      source.queue(slab, ends[0] as number, ends[1] as number);
      const second = writer.writeLater(source);
      await Promise.all([first, second]);
      expect(source.pulls).toBe(2);
      expect(calls).toHaveLength(1);
      expect(decodeAll(Buffer.concat(calls[0] as Buffer[]))).toEqual([`${FrameKind.Message}:message 0`, `${FrameKind.Ack}:control`, `${FrameKind.Message}:message 1`]);
    });

    it('starts a new part for a run that does not continue the last, and writes a lone run as it is', async () => {
      const { stream, calls } = gatheringStream();
      const writer = new FrameWriter(new SocketTransport(stream), failure);
      const first = logSlab(2);
      const second = logSlab(1);
      const source = runSource();
      source.queue(first.slab, 0, first.ends[0] as number);
      source.queue(second.slab, 0, second.ends[0] as number);
      await writer.writeLater(source);
      expect(calls[0]?.map((part) => part.buffer)).toEqual([first.slab.buffer, second.slab.buffer]);

      source.queue(first.slab, first.ends[0] as number, first.ends[1] as number);
      await writer.writeLater(source);
      expect(calls[1]).toHaveLength(1);
      expect(calls[1]?.[0]?.buffer).toBe(first.slab.buffer);
      expect(decodeAll(calls[1]?.[0] as Buffer)).toEqual([`${FrameKind.Message}:message 1`]);
    });

    it('copies a run told of while a frame is being encoded, and puts it after that frame and after what was written before it', async () => {
      const { stream, calls } = gatheringStream();
      const writer = new FrameWriter(new SocketTransport(stream), failure);
      const { slab, ends } = logSlab(1);
      const source = runSource();
      writer.beginFrame(FrameKind.Request);
      writer.out.copy(Buffer.from('outer'));
      writer.push(encodeFrame(FrameKind.Ack, 'control'));
      source.queue(slab, 0, ends[0] as number);
      const run = writer.writeLater(source);
      const outer = writer.endFrame();
      await Promise.all([run, outer]);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.[0]?.buffer).not.toBe(slab.buffer);
      expect(decodeAll(Buffer.concat(calls[0] as Buffer[]))).toEqual([`${FrameKind.Request}:outer`, `${FrameKind.Ack}:control`, `${FrameKind.Message}:message 0`]);
    });

    it('writes at once what pullNow() takes past 256 KiB, and resolves a batch whose source had nothing left', async () => {
      const { stream, calls } = gatheringStream();
      const writer = new FrameWriter(new SocketTransport(stream), failure);
      const big = Buffer.from(new ArrayBuffer(300 * 1024));
      const source = runSource();
      source.queue(big, 0, encodeFrameInto(big, 300 * 1024 - 4));
      const told = writer.writeLater(source);
      writer.pullNow();
      expect(calls).toHaveLength(1);
      await told;

      // Told, then nothing to pull (its link dropped first): the send is not left waiting.
      await writer.writeLater(runSource());
      expect(calls).toHaveLength(1);
    });
  });

  describe('#socketPendingBytes', () => {
    /** A stream that never completes a write (a peer that does not read), counting reads of its writableLength. */
    function stalledStream(): { stream: Duplex; reads: () => number } {
      const stream = new Writable({ highWaterMark: 1, write() {} });
      const proto = Object.getOwnPropertyDescriptor(Writable.prototype, 'writableLength') as PropertyDescriptor;
      let reads = 0;
      Object.defineProperty(stream, 'writableLength', {
        get() {
          reads++;
          return (proto.get as () => number).call(stream);
        },
      });
      return { stream: stream as unknown as Duplex, reads: () => reads };
    }

    it('reads the socket once per batch, and again once the batch went out', async () => {
      const { stream, reads } = stalledStream();
      const writer = new FrameWriter(new SocketTransport(stream), failure);
      const frame = encodeFrame(FrameKind.Message, 'x'.repeat(95));

      for (let i = 0; i < 100; i++) {
        expect(writer.socketPendingBytes).toBe(0);
        writer.push(frame);
      }
      expect(reads()).toBe(1);

      await new Promise((resolve) => process.nextTick(resolve));
      // The batch is with the stream, which has not written it: it counts now.
      expect(writer.socketPendingBytes).toBe(100 * frame.length);
      expect(reads()).toBe(2);
    });

    it('keeps the value of the batch while a frame is open (a frame is measured once encoded)', () => {
      const { stream, reads } = stalledStream();
      const writer = new FrameWriter(new SocketTransport(stream), failure);
      writer.beginFrame(FrameKind.Message);
      writer.out.copy(Buffer.alloc(100));
      expect(writer.socketPendingBytes).toBe(0);
      void writer.endFrame();
      writer.beginFrame(FrameKind.Message);
      expect(writer.socketPendingBytes).toBe(0);
      expect(reads()).toBe(1);
    });

    it('reads again after a batch that went out early (256 KiB), so a burst of one tick sees what waits', () => {
      const { stream, reads } = stalledStream();
      const writer = new FrameWriter(new SocketTransport(stream), failure);
      const big = encodeFrame(FrameKind.Message, 'x'.repeat(100 * 1024));

      const seen: number[] = [];
      for (let i = 0; i < 6; i++) {
        seen.push(writer.socketPendingBytes);
        writer.push(big);
      }

      expect(seen).toEqual([0, 0, 0, 3 * big.length, 3 * big.length, 3 * big.length]);
      expect(reads()).toBe(2);
    });
  });

  describe('#end()', () => {
    it('writes what is gathered, then the last frame, then ends the stream', async () => {
      const { stream, writes } = recordingStream();
      const writer = new FrameWriter(new SocketTransport(stream), failure);
      const finished = new Promise((resolve) => stream.on('finish', resolve));

      writer.push(encodeFrame(FrameKind.Message, 'before'));
      writer.end(encodeFrame(FrameKind.Error, 'bye'));
      await finished;

      expect(writes).toHaveLength(1);
      expect(decodeAll(writes[0] as Buffer)).toEqual([`${FrameKind.Message}:before`, `${FrameKind.Error}:bye`]);
    });
  });
});
