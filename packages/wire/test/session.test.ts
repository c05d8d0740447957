import { BadConnError, BadDataError } from '@oon/core';
import { BinaryCodec, FrameKind, JsonCodec } from '@oon/wire';
import { classNumbering, Session } from '@oon/wire/internal';
import { Note, recordingLink, registry } from './fixtures/session-link';

// The session's lifecycle: links attached and detached, a restart, the end. Each side on
// its own: session-sender.test.ts, session-receiver.test.ts.
describe('Session', () => {
  describe('#attach() and #detach()', () => {
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

  describe('#restart()', () => {
    it('renumbers what is unacknowledged from 1 under the new id and forgets what was received', async () => {
      const session = new Session({ peer: 'p', id: 'old' });
      const link = recordingLink();
      session.attach(link, 0);
      for (let n = 0; n < 5; n++) await session.send(new Note(n));
      session.receiver.accept(1);
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
