import { BadDataError } from '@oon/core';
import { FrameKind } from '@oon/wire';
import { Session, type SessionLink } from '@oon/wire/internal';
import { seqBytes } from '../src/session/seq';
import { recordingLink } from './fixtures/session-link';

/** A Message frame's payload with its seq, where it lies in a received chunk: `[start, end)` of the buffer returned. */
function messageFrame(seq: number): { buf: Uint8Array; start: number; end: number } {
  const buf = Buffer.concat([Buffer.from('ffff', 'hex'), seqBytes(seq), Buffer.from('payload')]);
  return { buf, start: 2, end: buf.length };
}

/** A link that records why it was failed, rather than throwing. */
function failingLink(): SessionLink & { failures: Error[] } {
  const failures: Error[] = [];
  return {
    ...recordingLink(),
    failures,
    fail(error) {
      failures.push(error);
    },
  };
}

describe('Session: the receive side (SessionReceiver)', () => {
  describe('#accept()', () => {
    it('delivers the next seq, drops (and counts) one already received, and fails on a gap with BadData', () => {
      const session = new Session({ peer: 'p' });
      expect(session.receiver.accept(1)).toBe(true);
      expect(session.receiver.accept(2)).toBe(true);
      expect(session.receiver.accept(2)).toBe(false);
      expect(session.receiver.accept(1)).toBe(false);
      expect(session.stats).toMatchObject({ received: 2, duplicates: 2 });
      expect(() => session.receiver.accept(4)).toThrow(/sent message #4 after #2: the messages between are missing/);
      expect(session.received).toBe(2);
    });

    it('acknowledges in batches: one Ack at the end of the tick in which 64 messages came, carrying the last seq', async () => {
      const session = new Session({ peer: 'p' });
      const link = recordingLink();
      session.attach(link, 0);
      for (let seq = 1; seq <= 64; seq++) session.receiver.accept(seq);
      expect(link.frames).toEqual([]);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(link.frames).toEqual([{ kind: FrameKind.Ack, seq: 64 }]);

      // A chunk of 300 small messages read in one tick: one Ack for all of them.
      for (let seq = 65; seq <= 364; seq++) session.receiver.accept(seq);
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
      session.receiver.accept(1, 40 * 1024);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(link.frames).toEqual([]);
      session.receiver.accept(2, 24 * 1024);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(link.frames).toEqual([{ kind: FrameKind.Ack, seq: 2 }]);
      session.end();
    });

    it('acknowledges a peer that announced its window once a quarter of it came, by bytes only, at the end of the tick', async () => {
      const session = new Session({ peer: 'p' });
      const link = recordingLink();
      session.attach(link, 0, 4096);
      // 100 frames of 10 bytes: past the 64 messages of a peer without a window, under 1 KiB.
      for (let seq = 1; seq <= 100; seq++) session.receiver.accept(seq, 10);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(link.frames).toEqual([]);
      session.receiver.accept(101, 24);
      expect(link.frames).toEqual([]);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(link.frames).toEqual([{ kind: FrameKind.Ack, seq: 101 }]);
      session.end();
    });

    it('acknowledges by the window of the link it runs over: a peer that announces none on the next link gets the fixed counts', async () => {
      const session = new Session({ peer: 'p' });
      const first = recordingLink();
      session.attach(first, 0, 1024 * 1024);
      for (let seq = 1; seq <= 64; seq++) session.receiver.accept(seq, 10);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(first.frames).toEqual([]);
      session.detach(first);
      const second = recordingLink();
      session.attach(second, 0);
      for (let seq = 65; seq <= 128; seq++) session.receiver.accept(seq, 10);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(second.frames).toEqual([{ kind: FrameKind.Ack, seq: 128 }]);
      session.end();
    });

    it('acknowledges a short run after a short delay', async () => {
      const session = new Session({ peer: 'p' });
      const link = recordingLink();
      session.attach(link, 0);
      session.receiver.accept(1);
      session.receiver.accept(2);
      expect(link.frames).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(link.frames).toEqual([{ kind: FrameKind.Ack, seq: 2 }]);
    });
  });

  describe('#acceptFrame() and #acceptNext()', () => {
    it("takes a link's first message by its seq and each NextMessage as one past the last on its link, drops those resent, and fails a link that is out of step with BadData", () => {
      const session = new Session({ peer: 'p' });
      const { receiver } = session;
      const first = failingLink();
      session.attach(first, 0);
      const one = messageFrame(1);
      expect(receiver.acceptFrame(one.buf, one.start, one.end, first)).toBe(1);
      expect(receiver.acceptNext(7, first)).toBe(2);
      expect(receiver.acceptNext(7, first)).toBe(3);
      session.detach(first);

      // The peer resends from 2 on the next link: 2 and 3 are dropped, 4 is next.
      const second = failingLink();
      session.attach(second, 0);
      const two = messageFrame(2);
      expect(receiver.acceptFrame(two.buf, two.start, two.end, second)).toBe(-1);
      expect(receiver.acceptNext(7, second)).toBe(-1);
      expect(receiver.acceptNext(7, second)).toBe(4);
      expect(session.stats).toMatchObject({ received: 4, duplicates: 2 });
      expect(first.failures.concat(second.failures)).toEqual([]);
      session.detach(second);

      const third = failingLink();
      session.attach(third, 0);
      expect(receiver.acceptNext(7, third)).toBe(-1);
      const gap = messageFrame(9);
      expect(receiver.acceptFrame(gap.buf, gap.start, gap.end, third)).toBe(-1);
      expect(third.failures).toEqual([
        new BadDataError('test peer sent a NextMessage frame as its first message on this connection, where a Message frame with its seq must come first'),
        new BadDataError('test peer sent message #9 after #4: the messages between are missing'),
      ]);
      expect(receiver.received).toBe(4);
      session.end();
    });
  });

  describe('while the inbox is full', () => {
    it('pauses its link (and the next one) and holds Acks; once the inbox drains, resumes and acknowledges at once', async () => {
      const session = new Session({ peer: 'p' });
      const calls: string[] = [];
      const link = { ...recordingLink(), pause: () => calls.push('pause'), resume: () => calls.push('resume') };
      session.attach(link, 0);
      for (let n = 0; n < 1024; n++) session.inbox.push({ n });
      expect(calls).toEqual(['pause']);
      for (let seq = 1; seq <= 100; seq++) session.receiver.accept(seq);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(link.frames).toEqual([]);

      session.detach(link);
      const next = { ...recordingLink(), pause: () => calls.push('pause next'), resume: () => calls.push('resume next') };
      session.attach(next, 0);
      expect(calls).toEqual(['pause', 'pause next']);
      for (let n = 0; n < 512; n++) session.inbox.poll();
      expect(calls).toEqual(['pause', 'pause next', 'resume next']);
      expect(next.frames).toEqual([{ kind: FrameKind.Ack, seq: 100 }]);
      session.end();
    });
  });
});
