import { BadConnError, BadDataError } from '@oon/core';
import { FrameDecoder, FrameKind } from '@oon/wire';
import { Session, type SessionLink } from '@oon/wire/internal';
import { readSeq } from '../src/session/seq';
import { Memo, Note, recordingLink } from './fixtures/session-link';

describe('Session: the send side (SessionSender)', () => {
  describe('#send()', () => {
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
});
