/**
 * The watchdog's deadlines as pure timer logic (jest fake timers, no sockets): what it
 * does to a connection after how long, given the bytes that came and our own pauses.
 */
import { TimeoutError } from '@oon/core';
import { Watchdog, type WatchdogLimits } from '../src/connection/watchdog';

interface Probe {
  dog: Watchdog;
  pings: number;
  keptAlive: number;
  failures: TimeoutError[];
  paused: boolean;
}

function watch(limits: Partial<WatchdogLimits>): Probe {
  const probe = { pings: 0, keptAlive: 0, failures: [], paused: false } as unknown as Probe;
  probe.dog = new Watchdog(
    { partialFrameTimeout: 0, pingInterval: 0, pongTimeout: 0, ...limits },
    {
      ping: () => void probe.pings++,
      keepAlive: () => void probe.keptAlive++,
      fail: (error) => void probe.failures.push(error),
      paused: () => probe.paused,
      describePeer: () => 'peer 1',
    },
  );
  return probe;
}

let probe: Probe | undefined;
beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  probe?.dog.stop();
  probe = undefined;
  jest.useRealTimers();
});

describe('Watchdog', () => {
  describe('partialFrameTimeout', () => {
    it('fails a frame left unfinished, between 1 and 1.25 times the deadline', () => {
      probe = watch({ partialFrameTimeout: 400 });
      probe.dog.onBytes(true, false);
      jest.advanceTimersByTime(399);
      expect(probe.failures).toEqual([]);
      jest.advanceTimersByTime(101);
      expect(probe.failures).toHaveLength(1);
      expect(probe.failures[0]).toBeInstanceOf(TimeoutError);
      expect(probe.failures[0]?.message).toBe('peer 1 started a frame and did not finish it within 400 ms (partialFrameTimeout)');
    });

    it('keeps timing one frame while its bytes trickle in', () => {
      probe = watch({ partialFrameTimeout: 400 });
      for (let i = 0; i < 5; i++) {
        probe.dog.onBytes(true, false);
        jest.advanceTimersByTime(100);
      }
      expect(probe.failures).toHaveLength(1);
    });

    it('restarts the clock for each new frame, and stops it when no frame is unfinished', () => {
      probe = watch({ partialFrameTimeout: 400 });
      for (let i = 0; i < 10; i++) {
        probe.dog.onBytes(true, true); // finished one frame, started the next
        jest.advanceTimersByTime(300);
      }
      probe.dog.onBytes(false, true);
      jest.advanceTimersByTime(5_000);
      expect(probe.failures).toEqual([]);
    });

    it('does not count time while this side is not reading', () => {
      probe = watch({ partialFrameTimeout: 400 });
      probe.dog.onBytes(true, false);
      probe.paused = true;
      jest.advanceTimersByTime(5_000);
      expect(probe.failures).toEqual([]);
      probe.paused = false;
      jest.advanceTimersByTime(300);
      expect(probe.failures).toEqual([]);
      jest.advanceTimersByTime(300);
      expect(probe.failures).toHaveLength(1);
    });
  });

  describe('heartbeats', () => {
    it('sends nothing before startHeartbeat(): a Ping before the handshake is not OON', () => {
      probe = watch({ pingInterval: 100, pongTimeout: 100 });
      probe.paused = true;
      jest.advanceTimersByTime(500);
      probe.paused = false;
      jest.advanceTimersByTime(500);
      expect(probe.pings).toBe(0);
      expect(probe.keptAlive).toBe(0);
      expect(probe.failures).toEqual([]);
    });

    it('pings a silent peer and fails it if it stays silent for pongTimeout', () => {
      probe = watch({ pingInterval: 100, pongTimeout: 200 });
      probe.dog.startHeartbeat();
      jest.advanceTimersByTime(125);
      expect(probe.pings).toBe(1);
      // The ping went at 100 ms: the peer has until 300 ms.
      jest.advanceTimersByTime(174);
      expect(probe.failures).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(probe.pings).toBe(1);
      expect(probe.failures.map((e) => e.message)).toEqual(['peer 1 did not answer a ping within 200 ms (pongTimeout)']);
    });

    it('tells the peer it lives every half pingInterval while not reading, and neither pings nor fails it', () => {
      probe = watch({ pingInterval: 400, pongTimeout: 400 });
      probe.dog.startHeartbeat();
      jest.advanceTimersByTime(300);
      probe.paused = true;
      // The first tick paused (at 400 ms) says so at once, then every 200 ms.
      jest.advanceTimersByTime(100);
      expect(probe.keptAlive).toBe(1);
      jest.advanceTimersByTime(1_000);
      expect(probe.keptAlive).toBe(6);
      expect(probe.pings).toBe(0);
      expect(probe.failures).toEqual([]);
      // Reading again, it sends nothing unasked: the peer's pings are answered.
      probe.paused = false;
      probe.dog.onBytes(false, true);
      jest.advanceTimersByTime(300);
      expect(probe.keptAlive).toBe(6);
    });

    it('takes any bytes as the answer, even ones that come before the next tick', () => {
      probe = watch({ pingInterval: 100, pongTimeout: 200 });
      probe.dog.startHeartbeat();
      for (let i = 0; i < 20; i++) {
        jest.advanceTimersByTime(125);
        probe.dog.onBytes(false, true);
      }
      expect(probe.failures).toEqual([]);
      expect(probe.pings).toBeGreaterThan(0);
    });

    it('does not ping a peer that keeps sending', () => {
      probe = watch({ pingInterval: 100, pongTimeout: 200 });
      probe.dog.startHeartbeat();
      for (let i = 0; i < 40; i++) {
        jest.advanceTimersByTime(25);
        probe.dog.onBytes(false, true);
      }
      expect(probe.pings).toBe(0);
    });

    it('pings at once after this process was suspended (a tick over 1 s late), and blames the peer for none of the time', () => {
      probe = watch({ pingInterval: 10_000, pongTimeout: 10_000 });
      probe.dog.startHeartbeat();
      jest.advanceTimersByTime(5_000);
      probe.dog.onBytes(false, true);
      jest.advanceTimersByTime(2_500);
      expect(probe.pings).toBe(0);
      // An hour asleep: the clock jumps, and no timer ran meanwhile.
      jest.setSystemTime(Date.now() + 3_600_000);
      jest.advanceTimersByTime(2_500);
      expect(probe.pings).toBe(1);
      expect(probe.failures).toEqual([]);
      // A peer that answers is kept; the usual rhythm resumes.
      probe.dog.onBytes(false, true);
      jest.advanceTimersByTime(7_500);
      expect(probe.pings).toBe(1);
      expect(probe.failures).toEqual([]);
    });

    it('takes a tick late by less than a second for a busy event loop, not a suspension', () => {
      probe = watch({ pingInterval: 10_000, pongTimeout: 10_000 });
      probe.dog.startHeartbeat();
      probe.dog.onBytes(false, true);
      jest.advanceTimersByTime(2_500);
      jest.setSystemTime(Date.now() + 900);
      jest.advanceTimersByTime(2_500);
      expect(probe.pings).toBe(0);
    });

    it('is off with pingInterval 0, and stop() ends every deadline', () => {
      probe = watch({ pingInterval: 0, pongTimeout: 200, partialFrameTimeout: 100 });
      probe.dog.startHeartbeat();
      probe.dog.onBytes(true, false);
      probe.dog.stop();
      jest.advanceTimersByTime(10_000);
      expect(probe.pings).toBe(0);
      expect(probe.failures).toEqual([]);
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
