import { FrameKind } from '../src/framing/constants';
import { FrameDecoder } from '../src/framing/frame-decoder';
import { OutgoingLog } from '../src/session/outgoing-log';
import type { RunWriter } from '../src/framing/frame-writer';
import type { WaitGroup } from '../src/session/wait-group';
import { readSeq, SEQ_BYTES } from '../src/session/seq';

interface Written {
  seq: number;
  text: string;
}

/**
 * A link that decodes what it is given, frame by frame, as a peer does (a NextMessage is
 * one past the message before it), and counts the writes and the frames of each kind.
 */
function recorder(): { write: RunWriter; frames: Written[]; writes: Buffer[]; kinds: number[] } {
  const decoder = new FrameDecoder({ maxFrameBytes: 4 * 1024 * 1024 });
  const frames: Written[] = [];
  const writes: Buffer[] = [];
  const kinds: number[] = [];
  let last = 0;
  return {
    frames,
    writes,
    kinds,
    write(slab, start, end) {
      const chunk = slab.subarray(start, end);
      writes.push(Buffer.from(chunk));
      decoder.push(Buffer.from(chunk), (kind, payload) => {
        kinds.push(kind);
        expect([FrameKind.Message, FrameKind.NextMessage]).toContain(kind);
        const numbered = kind === FrameKind.Message;
        last = numbered ? readSeq(payload, 'message') : last + 1;
        frames.push({ seq: last, text: Buffer.from(payload.subarray(numbered ? SEQ_BYTES : 0)).toString('utf8') });
      });
    },
  };
}

/** A payload that says which message it is, `size` bytes long. */
function text(n: number, size = 40): string {
  return `#${n}:`.padEnd(size, '.');
}

function append(log: OutgoingLog, payload: string): void {
  log.append(payload);
}

/** Appends a message and writes it at once, like a send that fits: taken for the link, which pulls it. */
function appendNow(log: OutgoingLog, payload: string, write: RunWriter): void {
  log.append(payload);
  log.take(OutgoingLog.frameBytes(Buffer.byteLength(payload)));
  log.pull(write);
}

/** Takes what waits and fits in the window, and lets the link pull it; returns how many were resends. */
function pump(log: OutgoingLog, write: RunWriter, settled: WaitGroup[] = []): number {
  const resent = log.pump(settled);
  log.pull(write);
  return resent;
}

/** Appends `count` messages (numbered from `from`), writing each at once like a send that fits. */
function sendNow(log: OutgoingLog, link: ReturnType<typeof recorder>, from: number, count: number, size?: number): void {
  for (let n = from; n < from + count; n++) appendNow(log, text(n, size), link.write);
}

describe('OutgoingLog', () => {
  it('keeps frames across slab boundaries, each whole, and writes neighbours in one write', () => {
    const log = new OutgoingLog(64 * 1024 * 1024);
    // Sizes that do not divide a slab: frames end near every slab's end.
    const sizes = Array.from({ length: 3000 }, (_, n) => 20 + ((n * 37) % 300));
    sizes.forEach((size, n) => append(log, text(n, size)));
    expect(log.length).toBe(3000);
    expect(log.heldBytes).toBe(sizes.reduce((sum, size) => sum + size + 5, 0));

    const link = recorder();
    expect(pump(log, link.write, [])).toBe(0);
    expect(link.frames.map((f) => f.seq)).toEqual(sizes.map((_, n) => n + 1));
    expect(link.frames.map((f) => f.text)).toEqual(sizes.map((size, n) => text(n, size)));
    // ~500 KiB in slabs of 4 KiB doubling: a run per slab, never one per message.
    expect(link.writes.length).toBeGreaterThan(3);
    expect(link.writes.length).toBeLessThan(20);
    expect(log.flightBytes).toBe(log.heldBytes);
    expect(log.highestWritten).toBe(3000);
  });

  it('lets a slab go once acks pass its last frame, and keeps a small one for the next messages', () => {
    const log = new OutgoingLog(64 * 1024 * 1024);
    const link = recorder();
    sendNow(log, link, 0, 5000, 100);
    const full = log.retainedBytes;
    expect(full).toBeGreaterThanOrEqual(log.heldBytes);
    expect(full).toBeLessThan(log.heldBytes * 2);

    log.acknowledge(2500);
    expect(log.length).toBe(2500);
    expect(log.retainedBytes).toBeLessThan(full);
    expect(log.retainedBytes).toBeGreaterThanOrEqual(log.heldBytes);

    log.acknowledge(5000);
    expect(log.length).toBe(0);
    expect(log.heldBytes).toBe(0);
    expect(log.flightBytes).toBe(0);
    // The last slab was big: it goes too.
    expect(log.retainedBytes).toBe(0);

    sendNow(log, link, 5000, 3, 100);
    log.acknowledge(5003);
    // The next slab starts at 16 KiB; that one is kept, and reused from its start.
    expect(log.retainedBytes).toBe(16 * 1024);
    sendNow(log, link, 5003, 3, 100);
    expect(log.retainedBytes).toBe(16 * 1024);
    expect(link.frames.slice(-6).map((f) => f.seq)).toEqual([5001, 5002, 5003, 5004, 5005, 5006]);
  });

  it('gives a frame over 256 KiB a slab of its own, between frames of small slabs, let go with its ack', () => {
    const log = new OutgoingLog(64 * 1024 * 1024);
    append(log, text(1));
    append(log, text(2, 300 * 1024));
    append(log, text(3));
    const link = recorder();
    pump(log, link.write, []);
    expect(link.frames.map((f) => [f.seq, f.text.length])).toEqual([
      [1, 40],
      [2, 300 * 1024],
      [3, 40],
    ]);
    expect(link.writes).toHaveLength(3);
    // #1 in the first slab (4 KiB), #2 in one it grew, #3 in the next small slab (16 KiB): not in #2's.
    const big = log.retainedBytes - 4 * 1024 - 16 * 1024;
    expect(big).toBeGreaterThan(300 * 1024);
    log.acknowledge(2);
    expect(log.retainedBytes).toBe(16 * 1024);
  });

  it('never writes over bytes it handed to the link: a log that empties goes on after them', () => {
    const log = new OutgoingLog(64 * 1024 * 1024);
    const handed: Array<{ bytes: Uint8Array; copy: Buffer }> = [];
    const keep: RunWriter = (slab, start, end) => handed.push({ bytes: slab.subarray(start, end), copy: Buffer.from(slab.subarray(start, end)) });
    for (let round = 0; round < 20; round++) {
      for (let n = 0; n < 10; n++) {
        appendNow(log, text(round * 10 + n, 100), keep);
      }
      log.acknowledge((round + 1) * 10);
    }
    expect(handed).toHaveLength(200);
    // What a socket might still hold is as it was handed over.
    for (const { bytes, copy } of handed) expect(Buffer.from(bytes).equals(copy)).toBe(true);
  });

  it('reuses a 1 MiB slab whose frames are all acknowledged for its next frames, and never writes over one that holds a frame not acknowledged', () => {
    const log = new OutgoingLog(64 * 1024 * 1024);
    const big = new Set<Uint8Array>();
    const handed: Array<{ seq: number; bytes: Uint8Array; copy: Buffer }> = [];
    let seq = 0;
    const keep: RunWriter = (slab, start, end) => {
      if (slab.length === 1024 * 1024) big.add(slab);
      handed.push({ seq: ++seq, bytes: slab.subarray(start, end), copy: Buffer.from(slab.subarray(start, end)) });
    };
    // 16 MiB of ~1 KiB frames (1,013 bytes), acknowledged 1,000 behind the last sent: a stream whose acks lag.
    for (let n = 0; n < 16_000; n++) {
      appendNow(log, text(n, 1008), keep);
      if (n >= 1000 && n % 250 === 0) log.acknowledge(n - 1000);
    }
    // One slab per MiB without reuse (16); with it, the three the lag spans and the spare.
    expect(big.size).toBeLessThanOrEqual(4);
    // What is not acknowledged is as it was handed over: a reused slab held only acknowledged frames.
    const acknowledged = log.nextSeq - 1 - log.length;
    for (const { seq: at, bytes, copy } of handed) if (at > acknowledged) expect(Buffer.from(bytes).equals(copy)).toBe(true);
    // Once the log empties, no spare is kept: an idle session holds a small slab at most.
    expect(log.retainedBytes).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    log.acknowledge(16_000);
    expect(log.retainedBytes).toBe(0);
  });

  it('writes only what fits in the window, and more as acks free room', () => {
    const log = new OutgoingLog(450); // ten 45-byte frames
    for (let n = 0; n < 25; n++) append(log, text(n));
    const link = recorder();
    pump(log, link.write, []);
    expect(link.frames).toHaveLength(10);
    expect(log.caughtUp).toBe(false);
    expect(log.fits(45)).toBe(false);

    log.acknowledge(4);
    pump(log, link.write, []);
    expect(link.frames.map((f) => f.seq)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    log.acknowledge(14);
    pump(log, link.write, []);
    expect(link.frames).toHaveLength(24);
    log.acknowledge(24);
    pump(log, link.write, []);
    expect(link.frames).toHaveLength(25);
    expect(log.caughtUp).toBe(true);
  });

  it('rewinds for a new link: writes everything unacknowledged again, counting resends, then what was never written', () => {
    // Frames of 45 bytes (a 40-byte payload behind length and kind): ten fit.
    const log = new OutgoingLog(450);
    for (let n = 0; n < 15; n++) append(log, text(n));
    const first = recorder();
    pump(log, first.write, []);
    expect(first.frames).toHaveLength(10);
    log.acknowledge(3);

    log.rewind(true);
    expect(log.flightBytes).toBe(0);
    const second = recorder();
    // 4..10 were written before (resends), 11..13 were not; 14, 15 wait for room.
    expect(pump(log, second.write, [])).toBe(7);
    expect(second.frames.map((f) => f.seq)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    log.acknowledge(13);
    expect(pump(log, second.write, [])).toBe(0);
    expect(second.frames.map((f) => f.seq).slice(-2)).toEqual([14, 15]);
  });

  it('writes a link\'s first message with its seq and the rest without, or every one with its seq to a peer that reads no NextMessage', () => {
    const log = new OutgoingLog(1024 * 1024);
    for (let n = 0; n < 6; n++) append(log, text(n));
    const first = recorder();
    log.rewind(true);
    pump(log, first.write, []);
    log.acknowledge(2);
    expect(first.kinds).toEqual([FrameKind.Message, ...Array<number>(5).fill(FrameKind.NextMessage)]);
    expect(first.frames.map((f) => f.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    // Only the link's first is numbered: the next pull on it is not.
    sendNow(log, first, 6, 1);
    expect(first.kinds.at(-1)).toBe(FrameKind.NextMessage);

    // A new link starts numbered again, from what the peer lacks.
    const second = recorder();
    log.rewind(true);
    pump(log, second.write, []);
    expect(second.kinds).toEqual([FrameKind.Message, ...Array<number>(4).fill(FrameKind.NextMessage)]);
    expect(second.frames.map((f) => f.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(second.frames.map((f) => f.text)).toEqual([2, 3, 4, 5, 6].map((n) => text(n)));

    // An older peer: every message with its seq, each a write of its own.
    const older = recorder();
    log.rewind(false);
    pump(log, older.write, []);
    sendNow(log, older, 7, 1);
    expect(older.kinds).toEqual(Array<number>(6).fill(FrameKind.Message));
    expect(older.frames.map((f) => f.seq)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(older.writes).toHaveLength(6);
  });

  it('renumbers what is unacknowledged from 1, and goes on from there', () => {
    const log = new OutgoingLog(1024 * 1024);
    const link = recorder();
    sendNow(log, link, 0, 200, 60);
    log.acknowledge(150);
    expect(log.renumber()).toBe(51);
    expect(log.highestWritten).toBe(0);
    append(log, text(200, 60));

    log.rewind(true);
    const fresh = recorder();
    pump(log, fresh.write, []);
    expect(fresh.frames.map((f) => f.seq)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    expect(fresh.frames.map((f) => f.text)).toEqual(Array.from({ length: 51 }, (_, i) => text(150 + i, 60)));
    log.acknowledge(51);
    expect(log.length).toBe(0);
  });

  it('re-encodes every message into frames of another size, keeping seqs, byte counts and the window right', () => {
    const log = new OutgoingLog(1000);
    for (let n = 0; n < 40; n++) append(log, text(n, 30));
    const first = recorder();
    pump(log, first.write, []);
    log.acknowledge(5);
    log.rewind(true);
    const held = log.heldBytes;

    log.reencode((payload) => Buffer.from(Buffer.from(payload).toString('utf8').toUpperCase().repeat(3)));
    expect(log.heldBytes).toBe(held + 35 * 60);
    const second = recorder();
    pump(log, second.write, []);
    expect(second.frames[0]).toEqual({ seq: 6, text: text(5, 30).toUpperCase().repeat(3) });
    // 95-byte frames now: ten fit in the 1000-byte window.
    expect(second.frames).toHaveLength(10);
    expect(log.flightBytes).toBe(10 * 95);
  });

  it('re-encodes all or nothing: a payload that cannot be encoded leaves every frame as it was', () => {
    const log = new OutgoingLog(1024 * 1024);
    for (let n = 0; n < 5; n++) append(log, text(n));
    const held = log.heldBytes;
    const refused = new Error('cannot encode #3');
    expect(() =>
      log.reencode((payload) => {
        if (Buffer.from(payload).toString('utf8').startsWith('#3:')) throw refused;
        return 'changed';
      }),
    ).toThrow(refused);
    expect(log.heldBytes).toBe(held);
    const link = recorder();
    pump(log, link.write, []);
    expect(link.frames.map((f) => f.text)).toEqual(Array.from({ length: 5 }, (_, n) => text(n)));
  });

  it('grows and compacts its index arrays while acks and appends interleave, keeping every seq', () => {
    const log = new OutgoingLog(1024 * 1024);
    const link = recorder();
    let next = 0;
    for (let round = 0; round < 50; round++) {
      sendNow(log, link, next, 97, 20);
      next += 97;
      log.acknowledge(next - 13);
    }
    expect(log.length).toBe(13);
    expect(link.frames.map((f) => f.seq)).toEqual(Array.from({ length: next }, (_, i) => i + 1));
    log.rewind(true);
    const again = recorder();
    pump(log, again.write, []);
    expect(again.frames.map((f) => f.text)).toEqual(Array.from({ length: 13 }, (_, i) => text(next - 13 + i, 20)));
  });

  describe('waiting sends', () => {
    it('share one promise per group, written whole once the window has room for it', async () => {
      const log = new OutgoingLog(16 * 53); // groups up to 53 bytes: one message each
      const wide = new OutgoingLog(64 * 53 * 16); // groups up to 64 KiB
      const link = recorder();
      for (const target of [log, wide]) {
        appendNow(target, text(0), link.write);
      }
      const narrow = [0, 1, 2].map((n) => (append(log, text(n)), log.wait()));
      expect(new Set(narrow).size).toBe(3);
      const shared = [0, 1, 2].map((n) => (append(wide, text(n)), wide.wait()));
      expect(new Set(shared).size).toBe(1);

      const settled: WaitGroup[] = [];
      pump(wide, link.write, settled);
      expect(settled).toHaveLength(1);
      expect(settled[0]?.end).toBe(4);
      settled[0]?.resolve();
      await expect(shared[0]).resolves.toBeUndefined();
    });

    it('do not write part of a group: it waits until all of it fits', () => {
      const log = new OutgoingLog(2700); // sixty 45-byte frames; groups up to 168 bytes: three of them
      const link = recorder();
      for (let n = 0; n < 60; n++) {
        appendNow(log, text(n), link.write);
      }
      expect(log.fits(45)).toBe(false);
      for (let n = 60; n < 63; n++) {
        append(log, text(n));
        void log.wait();
      }
      const settled: WaitGroup[] = [];
      log.acknowledge(1); // room for one frame, not for the group of three
      pump(log, link.write, settled);
      expect(link.frames).toHaveLength(60);
      log.acknowledge(3);
      pump(log, link.write, settled);
      expect(link.frames.map((f) => f.seq).slice(-3)).toEqual([61, 62, 63]);
      expect(settled).toHaveLength(1);
    });

    it('are handed back by clear() to be failed, with the count of what was lost', async () => {
      const log = new OutgoingLog(100);
      const link = recorder();
      appendNow(log, text(0), link.write);
      const waiting = [1, 2].map((n) => (append(log, text(n)), log.wait()));
      const { lost, waiting: groups } = log.clear();
      expect(lost).toBe(3);
      expect(groups).toHaveLength(2);
      const outcomes = Promise.allSettled(waiting);
      groups.forEach((group) => group.reject(new Error('ended')));
      expect((await outcomes).map((o) => o.status)).toEqual(['rejected', 'rejected']);
      expect(log.length).toBe(0);
      expect(log.heldBytes).toBe(0);
    });
  });
});
