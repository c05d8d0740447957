import 'reflect-metadata';
import { BadConnError, BadDataError, NetClass, NetField, Registry } from '@oon/core';
import { BinaryCodec, FrameDecoder, FrameKind, JsonCodec } from '@oon/wire';
import { classNumbering, SEQ_BYTES, Session, type SessionLink } from '@oon/wire/internal';
import { readSeq } from '../src/session/seq';

const registry = new Registry();

@NetClass({ registry })
class Note {
  @NetField() n: number;
  constructor(n = 0) {
    this.n = n;
  }
}

@NetClass({ registry })
class Memo {
  @NetField() text: string = '';
}

/**
 * A link that records the frames written to it, decoded with its own codec (JSON unless
 * given), for a peer that knows every class unless `refuseUnknown` says otherwise.
 */
function recordingLink(
  codec: JsonCodec | BinaryCodec = new JsonCodec({ registry }),
  refuseUnknown: SessionLink['refuseUnknown'] = () => undefined,
): SessionLink & { frames: Array<{ kind: number; seq: number; n?: number }>; ids: Array<string | undefined> } {
  const frames: Array<{ kind: number; seq: number; n?: number }> = [];
  /** The id each message frame carried, if any. */
  const ids: Array<string | undefined> = [];
  const decoder = new FrameDecoder();
  const write = (slab: Uint8Array, start: number, end: number): void => {
    // Copied, as a socket would send it: later writes must not change it.
    decoder.push(Buffer.from(slab.subarray(start, end)), (kind, payload) => {
      const seq = Buffer.from(payload).readUInt32BE(4);
      if (kind === FrameKind.Message) {
        const message = codec.decode(payload.subarray(SEQ_BYTES));
        frames.push({ kind, seq, n: (message.object as Note).n });
        ids.push(message.uuidIfSet);
      } else frames.push({ kind, seq });
    });
  };
  return {
    codec,
    payloadKey: codec.name,
    maxFrameBytes: 1024 * 1024,
    frames,
    ids,
    describePeer: () => 'test peer',
    // Pulls at once what it is told of, as a frame writer in the middle of a frame does.
    writeLater(source) {
      source.pullRuns(write);
      return Promise.resolve();
    },
    pullNow() {},
    writeControl(frame) {
      write(frame, 0, frame.length);
    },
    admit: () => undefined,
    refuseUnknown,
    pause() {},
    resume() {},
    fail(error) {
      throw error;
    },
  };
}

describe('Session', () => {
  describe('#send() and #attach()', () => {
    it('numbers messages from 1 and resends on a new link only what the peer did not receive, counting it', async () => {
      const session = new Session({ peer: 'p' });
      const first = recordingLink();
      session.attach(first, 0);
      for (let n = 10; n < 15; n++) await session.send(new Note(n));
      expect(first.frames.map((f) => f.seq)).toEqual([1, 2, 3, 4, 5]);
      session.detach(first);

      const second = recordingLink();
      session.attach(second, 3); // the peer says it has 1..3

      expect(second.frames).toEqual([
        { kind: FrameKind.Message, seq: 4, n: 13 },
        { kind: FrameKind.Message, seq: 5, n: 14 },
      ]);
      expect(session.stats).toMatchObject({ sent: 5, resent: 2 });
      expect(session.unacknowledged).toBe(2);
    });

    it('holds sends while detached, up to maxBufferedBytes, then rejects with BadConn; they go out (not as resends) on attach', async () => {
      const session = new Session({ peer: 'p', maxBufferedBytes: 300 });
      const link = recordingLink();
      session.attach(link, 0);
      session.detach(link);
      let held = 0;
      let refusal: unknown;
      for (let n = 0; n < 20 && refusal === undefined; n++) {
        await session.send(new Note(n)).then(
          () => {
            held += 1;
          },
          (err: unknown) => {
            refusal = err;
          },
        );
      }
      expect(refusal).toBeInstanceOf(BadConnError);
      expect((refusal as Error).message).toMatch(/would pass the send window \(300: maxBufferedBytes/);
      expect(held).toBeGreaterThan(0);

      const next = recordingLink();
      session.attach(next, 0);
      expect(next.frames.map((f) => f.n)).toEqual(Array.from({ length: held }, (_, i) => i));
      expect(session.stats.resent).toBe(0);
    });

    it('makes a send past the window wait while attached: written in order as acks free room, resolving then', async () => {
      const session = new Session({ peer: 'p', maxBufferedBytes: 300 });
      const link = recordingLink();
      session.attach(link, 0);
      const settled: number[] = [];
      const sends = Array.from({ length: 20 }, (_, n) => session.send(new Note(n)).then(() => settled.push(n)));
      await new Promise((resolve) => setImmediate(resolve));
      const first = link.frames.length;
      expect(first).toBeGreaterThan(0);
      expect(first).toBeLessThan(20);
      expect(settled).toEqual(Array.from({ length: first }, (_, n) => n));
      expect(session.unacknowledged).toBe(20);

      while (link.frames.length < 20) {
        const before = link.frames.length;
        session.acknowledge(before);
        expect(link.frames.length).toBeGreaterThan(before);
      }
      await Promise.all(sends);
      expect(link.frames.map((f) => f.n)).toEqual(Array.from({ length: 20 }, (_, n) => n));
      expect(settled).toEqual(Array.from({ length: 20 }, (_, n) => n));
      expect(session.stats).toMatchObject({ sent: 20, resent: 0 });
    });

    it('keeps its window to half of maxPendingBytes, the bound on all that is held for the peer', () => {
      expect(new Session({ peer: 'p' }).window).toBe(4 * 1024 * 1024);
      expect(new Session({ peer: 'p', maxPendingBytes: 1024 * 1024 }).window).toBe(512 * 1024);
      expect(new Session({ peer: 'p', maxBufferedBytes: 1000, maxPendingBytes: 1024 * 1024 }).window).toBe(1000);
    });

    it("asks the link to admit each new message (its bound counts the session's), and keeps nothing it refuses", async () => {
      const session = new Session({ peer: 'p', maxBufferedBytes: 40 });
      const link = recordingLink();
      const admitted: number[] = [];
      let refusal: BadConnError | undefined;
      link.admit = (bytes) => {
        admitted.push(bytes);
        return refusal;
      };
      session.attach(link, 0);
      await session.send(new Note(1));
      const waiting = session.send(new Note(2)); // past the window: it waits, admitted all the same
      refusal = new BadConnError('evicted as a slow consumer');
      await expect(session.send(new Note(3))).rejects.toBe(refusal);
      expect(admitted).toHaveLength(3);
      expect(session.unacknowledged).toBe(2);
      expect(session.heldBytes(link)).toBe((admitted[0] as number) + (admitted[1] as number));
      expect(session.inFlightBytes(link)).toBe(admitted[0]);
      // The resend on a new link is not admitted again: it was counted when sent.
      session.detach(link);
      const next = recordingLink();
      next.admit = () => refusal;
      session.attach(next, 0);
      expect(next.frames.map((f) => f.n)).toEqual([1]);
      session.acknowledge(1);
      await waiting;
      expect(next.frames.map((f) => f.n)).toEqual([1, 2]);
    });

    it('writes one message bigger than the window once the window is empty', async () => {
      const session = new Session({ peer: 'p', maxBufferedBytes: 40 });
      const link = recordingLink();
      session.attach(link, 0);
      await session.send(new Note(1)); // alone, it passes the 40-byte window
      const second = session.send(new Note(2));
      expect(link.frames.map((f) => f.n)).toEqual([1]);
      session.acknowledge(1);
      await second;
      expect(link.frames.map((f) => f.n)).toEqual([1, 2]);
    });

    it('keeps messages waiting across a dropped link and writes them, after the resends, on the next', async () => {
      const session = new Session({ peer: 'p', maxBufferedBytes: 300 });
      const first = recordingLink();
      session.attach(first, 0);
      const sends = Array.from({ length: 20 }, (_, n) => session.send(new Note(n)));
      const written = first.frames.length;
      session.detach(first);
      // Detached, the bound counts the waiting messages: no room for one more.
      await expect(session.send(new Note(99))).rejects.toThrow(/would pass the send window \(300: maxBufferedBytes/);

      const second = recordingLink();
      session.attach(second, 2);
      // The peer acknowledges all it got each time: the waiting messages follow the resends.
      while (second.frames.length < 18) session.acknowledge(2 + second.frames.length);
      await Promise.all(sends);
      expect(second.frames.map((f) => f.n)).toEqual(Array.from({ length: 18 }, (_, n) => n + 2));
      expect(session.stats).toMatchObject({ sent: 20, resent: written - 2 });
    });

    it('counts messages that wait in unacknowledged and drained(), and refuses an ack of one not yet written', async () => {
      const session = new Session({ peer: 'p', maxBufferedBytes: 100 });
      const link = recordingLink();
      session.attach(link, 0);
      const sends = Array.from({ length: 10 }, (_, n) => session.send(new Note(n)));
      const written = link.frames.length;
      expect(session.unacknowledged).toBe(10);
      expect(() => session.acknowledge(written + 1)).toThrow(new RegExp(`acknowledged message #${written + 1}, but only ${written} were sent`));
      let drained = false;
      const draining = session.drained().then(() => (drained = true));
      session.acknowledge(written);
      await new Promise((resolve) => setImmediate(resolve));
      expect(drained).toBe(false);
      while (session.unacknowledged > 0) session.acknowledge(link.frames.length);
      await draining;
      await Promise.all(sends);
    });

    it('refuses an object that cannot be encoded with BadData, and numbers nothing for it', async () => {
      const session = new Session({ peer: 'p' });
      const link = recordingLink();
      session.attach(link, 0);
      class Stranger {}
      await expect(session.send(new Stranger())).rejects.toBeInstanceOf(BadDataError);
      await session.send(new Note(1));
      expect(link.frames.map((f) => f.seq)).toEqual([1]);
    });

    it("refuses a class the peer's hello did not list, attached and after the link drops, keeping nothing for it", async () => {
      const session = new Session({ peer: 'p' });
      const unknownNote = new BadDataError('peer does not know class `Note`');
      const stranger = recordingLink(undefined, (object) => (object instanceof Note ? unknownNote : undefined));
      session.attach(stranger, 0);
      await expect(session.send(new Note(1))).rejects.toBe(unknownNote);
      session.detach(stranger);
      // Detached, the check is the last peer's: it is the one the held message would reach.
      await expect(session.send(new Note(2))).rejects.toBe(unknownNote);
      expect(session.stats.sent).toBe(0);

      const knowing = recordingLink();
      session.attach(knowing, 0);
      await session.send(new Note(3));
      expect(knowing.frames).toEqual([{ kind: FrameKind.Message, seq: 1, n: 3 }]);
    });

    it("checks each class against the link's peer, however often a class was sent before: another class, and the same class on a new link", async () => {
      const session = new Session({ peer: 'p' });
      const unknownNote = new BadDataError('peer does not know class `Note`');
      const unknownMemo = new BadDataError('peer does not know class `Memo`');
      const notesOnly = recordingLink(undefined, (object) => (object instanceof Memo ? unknownMemo : undefined));
      session.attach(notesOnly, 0);
      await session.send(new Note(1));
      await session.send(new Note(2));
      await expect(session.send(new Memo())).rejects.toBe(unknownMemo);
      session.detach(notesOnly);

      const stranger = recordingLink(undefined, (object) => (object instanceof Note ? unknownNote : undefined));
      session.attach(stranger, 2);
      await expect(session.send(new Note(3))).rejects.toBe(unknownNote);
      expect(stranger.frames).toEqual([]);
      expect(session.stats.sent).toBe(2);
    });

    it('re-encodes what it resends when the new link agreed on another codec: binary frames go out as JSON', async () => {
      const session = new Session({ peer: 'p' });
      const binary = recordingLink(new BinaryCodec({ registry }));
      session.attach(binary, 0);
      await session.send(new Note(1));
      session.detach(binary);
      await session.send(new Note(2)); // held, encoded with the last link's codec

      // The JSON link decodes with its own codec: a binary payload would throw here.
      const json = recordingLink(new JsonCodec({ registry }));
      session.attach(json, 0);

      expect(binary.frames).toEqual([{ kind: FrameKind.Message, seq: 1, n: 1 }]);
      expect(json.frames).toEqual([
        { kind: FrameKind.Message, seq: 1, n: 1 },
        { kind: FrameKind.Message, seq: 2, n: 2 },
      ]);
      expect(session.stats).toMatchObject({ sent: 2, resent: 1 });
    });
  });

  describe('handing frames to the link', () => {
    it('tells the link once per pull, shares its promise, and asks it to pull at once past 256 KiB of frames waiting', async () => {
      const session = new Session({ peer: 'p', maxBufferedBytes: 4 * 1024 * 1024, maxPendingBytes: 16 * 1024 * 1024 });
      const seqs: number[] = [];
      let told = 0;
      let pulledNow = 0;
      let source: Parameters<SessionLink['writeLater']>[0] | undefined;
      const decoder = new FrameDecoder({ maxFrameBytes: 1024 * 1024 });
      const pull = (): void =>
        source?.pullRuns((slab, start, end) => decoder.push(Buffer.from(slab.subarray(start, end)), (_kind, payload) => seqs.push(readSeq(payload, 'message'))));
      // A link that pulls only when asked: as a frame writer does at the end of the tick.
      const link: SessionLink = {
        ...recordingLink(),
        writeLater(from) {
          told += 1;
          source = from;
          return Promise.resolve();
        },
        pullNow() {
          pulledNow += 1;
          pull();
        },
      };
      session.attach(link, 0);
      const memo = new Memo();
      memo.text = 'x'.repeat(1000);
      const sends = Array.from({ length: 300 }, () => session.send(memo));

      // About 1 KiB each: the 256 KiB mark is passed once, then the rest waits for the pull at the tick's end.
      expect(pulledNow).toBe(1);
      expect(told).toBe(2);
      expect(new Set(sends.slice(0, 200)).size).toBe(1);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      const atOnce = seqs.length;
      expect(atOnce).toBeGreaterThan(200);
      expect(atOnce).toBeLessThan(300);
      pull();
      expect(seqs).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      await Promise.all(sends);
    });
  });

  describe('#attach() with another codec', () => {
    it('fails the link with BadData when a kept message cannot be re-encoded within its limit, keeping the messages for the next link', async () => {
      const session = new Session({ peer: 'p' });
      const binary = recordingLink(new BinaryCodec({ registry }));
      session.attach(binary, 0);
      await session.send(new Note(123456789));
      session.detach(binary);

      // JSON takes more bytes than the binary frame: over this link's maxFrameBytes.
      const strict = { ...recordingLink(new JsonCodec({ registry })), maxFrameBytes: 40 };
      expect(() => session.attach(strict, 0)).toThrow(BadDataError);
      session.detach(strict);
      await session.send(new Note(2)); // held, encoded like the kept one

      // Still binary frames: a binary link reads them as they are.
      const again = recordingLink(new BinaryCodec({ registry }));
      session.attach(again, 0);
      expect(again.frames.map((f) => [f.seq, f.n])).toEqual([
        [1, 123456789],
        [2, 2],
      ]);
      session.detach(again);

      const json = recordingLink(new JsonCodec({ registry }));
      session.attach(json, 0);
      expect(json.frames.map((f) => [f.seq, f.n])).toEqual([
        [1, 123456789],
        [2, 2],
      ]);
    });
  });

  describe('#accept()', () => {
    it('delivers the next seq, drops (and counts) one already received, and fails on a gap with BadData', () => {
      const session = new Session({ peer: 'p' });
      expect(session.accept(1)).toBe(true);
      expect(session.accept(2)).toBe(true);
      expect(session.accept(2)).toBe(false);
      expect(session.accept(1)).toBe(false);
      expect(session.stats).toMatchObject({ received: 2, duplicates: 2 });
      expect(() => session.accept(4)).toThrow(/sent message #4 after #2: the messages between are missing/);
      expect(session.received).toBe(2);
    });

    it('acknowledges in batches: one Ack at the end of the tick in which 64 messages came, carrying the last seq', async () => {
      const session = new Session({ peer: 'p' });
      const link = recordingLink();
      session.attach(link, 0);
      for (let seq = 1; seq <= 64; seq++) session.accept(seq);
      expect(link.frames).toEqual([]);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(link.frames).toEqual([{ kind: FrameKind.Ack, seq: 64 }]);

      // A chunk of 300 small messages read in one tick: one Ack for all of them.
      for (let seq = 65; seq <= 364; seq++) session.accept(seq);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(link.frames).toEqual([
        { kind: FrameKind.Ack, seq: 64 },
        { kind: FrameKind.Ack, seq: 364 },
      ]);
      session.end();
    });

    it('acknowledges at the end of the tick once 64 KiB of messages came, however few: big messages are not held up by the delay', async () => {
      const session = new Session({ peer: 'p' });
      const link = recordingLink();
      session.attach(link, 0);
      session.accept(1, 40 * 1024);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(link.frames).toEqual([]);
      session.accept(2, 24 * 1024);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(link.frames).toEqual([{ kind: FrameKind.Ack, seq: 2 }]);
      session.end();
    });

    it('acknowledges a peer that announced its window once a quarter of it came, by bytes only, at the end of the tick', async () => {
      const session = new Session({ peer: 'p' });
      const link = recordingLink();
      session.attach(link, 0, 4096);
      // 100 frames of 10 bytes: past the 64 messages of a peer without a window, under 1 KiB.
      for (let seq = 1; seq <= 100; seq++) session.accept(seq, 10);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(link.frames).toEqual([]);
      session.accept(101, 24);
      expect(link.frames).toEqual([]);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(link.frames).toEqual([{ kind: FrameKind.Ack, seq: 101 }]);
      session.end();
    });

    it('acknowledges by the window of the link it runs over: a peer that announces none on the next link gets the fixed counts', async () => {
      const session = new Session({ peer: 'p' });
      const first = recordingLink();
      session.attach(first, 0, 1024 * 1024);
      for (let seq = 1; seq <= 64; seq++) session.accept(seq, 10);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(first.frames).toEqual([]);
      session.detach(first);
      const second = recordingLink();
      session.attach(second, 0);
      for (let seq = 65; seq <= 128; seq++) session.accept(seq, 10);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(second.frames).toEqual([{ kind: FrameKind.Ack, seq: 128 }]);
      session.end();
    });

    it('acknowledges a short run after a short delay', async () => {
      const session = new Session({ peer: 'p' });
      const link = recordingLink();
      session.attach(link, 0);
      session.accept(1);
      session.accept(2);
      expect(link.frames).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(link.frames).toEqual([{ kind: FrameKind.Ack, seq: 2 }]);
    });
  });

  describe('#acknowledge()', () => {
    it('forgets what the peer acknowledged, and refuses an ack for a seq never sent with BadData', async () => {
      const session = new Session({ peer: 'p' });
      session.attach(recordingLink(), 0);
      for (let n = 0; n < 3; n++) await session.send(new Note(n));
      session.acknowledge(2);
      expect(session.unacknowledged).toBe(1);
      expect(() => session.acknowledge(9)).toThrow(/acknowledged message #9, but only 3 were sent/);
    });
  });

  describe('#restart()', () => {
    it('renumbers what is unacknowledged from 1 under the new id and forgets what was received', async () => {
      const session = new Session({ peer: 'p', id: 'old' });
      const link = recordingLink();
      session.attach(link, 0);
      for (let n = 0; n < 5; n++) await session.send(new Note(n));
      session.accept(1);
      session.acknowledge(3);
      session.detach(link);

      session.restart('new');
      const fresh = recordingLink();
      session.attach(fresh, 0);

      expect(session.id).toBe('new');
      expect(session.received).toBe(0);
      expect(fresh.frames).toEqual([
        { kind: FrameKind.Message, seq: 1, n: 3 },
        { kind: FrameKind.Message, seq: 2, n: 4 },
      ]);
      await session.send(new Note(5));
      expect(fresh.frames.at(-1)).toEqual({ kind: FrameKind.Message, seq: 3, n: 5 });
      session.end();
    });
  });

  describe('with class numbers (binary format 2)', () => {
    const numbers = classNumbering(registry);
    const numbered = (): BinaryCodec => new BinaryCodec({ registry, classNumbers: { own: numbers, peer: numbers } });

    it('keeps, on restart, the id each kept message had in the old session: `<old id>:<seq>`, and one given as given', async () => {
      const session = new Session({ peer: 'p', id: 'old' });
      const link = recordingLink(numbered());
      session.attach(link, 0);
      for (let n = 0; n < 3; n++) await session.send(new Note(n));
      await session.send(new Note(3), { uuid: 'mine' });
      session.acknowledge(1);
      session.detach(link);
      expect(link.ids).toEqual([undefined, undefined, undefined, 'mine']);

      session.restart('new');
      const fresh = recordingLink(numbered());
      session.attach(fresh, 0);

      expect(fresh.frames.map((f) => [f.seq, f.n])).toEqual([[1, 1], [2, 2], [3, 3]]);
      expect(fresh.ids).toEqual(['old:2', 'old:3', 'mine']);
      await session.send(new Note(4));
      expect(fresh.ids.at(-1)).toBeUndefined();
      session.end();
    });

    it('re-encodes what it resends for a link whose peer does not read class numbers (an older OON): format 1', async () => {
      const session = new Session({ peer: 'p' });
      const first = recordingLink(numbered());
      session.attach(first, 0);
      await session.send(new Note(1));
      session.detach(first);

      // A format-1 codec reads a numbered class as a malformed payload: this link decodes what it gets.
      const older = recordingLink(new BinaryCodec({ registry }));
      session.attach(older, 0);
      expect(older.frames).toEqual([{ kind: FrameKind.Message, seq: 1, n: 1 }]);
      expect(older.ids[0]).toMatch(/^[0-9a-f]{10}$/);
      session.end();
    });
  });

  describe('#restart() with sends waiting', () => {
    it('renumbers the waiting messages too: on the new link they follow the resends, from 1, paced by acks', async () => {
      const session = new Session({ peer: 'p', id: 'old', maxBufferedBytes: 200 });
      const link = recordingLink();
      session.attach(link, 0);
      const sends = Array.from({ length: 10 }, (_, n) => session.send(new Note(n)));
      const written = link.frames.length;
      expect(written).toBeLessThan(10);
      session.detach(link);

      session.restart('new');
      const fresh = recordingLink();
      session.attach(fresh, 0);
      while (fresh.frames.length < 10) session.acknowledge(fresh.frames.length);
      await Promise.all(sends);

      expect(fresh.frames.map((f) => [f.seq, f.n])).toEqual(Array.from({ length: 10 }, (_, n) => [n + 1, n]));
      expect(session.stats).toMatchObject({ sent: 10, resent: written });
    });
  });

  describe('#end()', () => {
    it('returns and counts as lost what was never acknowledged, and refuses sends after', async () => {
      const session = new Session({ peer: 'p' });
      session.attach(recordingLink(), 0);
      for (let n = 0; n < 4; n++) await session.send(new Note(n));
      session.acknowledge(1);
      expect(session.end()).toBe(3);
      expect(session.stats.lost).toBe(3);
      await expect(session.send(new Note(9))).rejects.toThrow(/session has ended/);
    });

    it('fails the sends still waiting for the window with BadConn, and counts them as lost', async () => {
      const session = new Session({ peer: 'p', maxBufferedBytes: 100 });
      session.attach(recordingLink(), 0);
      const outcomes = Promise.allSettled(Array.from({ length: 10 }, (_, n) => session.send(new Note(n))));
      const cause = new BadConnError('link gone');
      expect(session.end(cause)).toBe(10);
      const settled = await outcomes;
      const rejected = settled.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(rejected.length).toBeGreaterThan(0);
      expect(settled.slice(0, 10 - rejected.length).every((o) => o.status === 'fulfilled')).toBe(true);
      const error = rejected[0]?.reason as BadConnError;
      expect(error).toBeInstanceOf(BadConnError);
      expect(error.message).toMatch(/the session with test peer ended before this message was written: it waited for acks of earlier messages \(send window 100\); 10 messages were not acknowledged/);
      expect(error.cause).toBe(cause);
      expect(session.stats.lost).toBe(10);
    });
  });
});

describe('readSeq', () => {
  it('reads the seq where a message lies in its chunk, and refuses a span too short for it even with bytes after', () => {
    const chunk = Buffer.from('ffff' + '0000000000000105' + 'aa' + 'ffffffff', 'hex');
    expect(readSeq(chunk, 'message', 2, 11)).toBe(0x105);
    expect(() => readSeq(chunk, 'message', 2, 9)).toThrow(new BadDataError('message frame of 7 bytes is too short for its sequence number'));
    expect(readSeq(chunk.subarray(2, 10), 'ack')).toBe(0x105);
  });
});
