import { BadConnError } from '@oon/core';
import { Outbox } from '../src/outbox';

describe('Outbox', () => {
  it('admits frames until the bytes waiting would pass maxPendingBytes, then refuses, saying how many wait', () => {
    let pending = 0;
    const outbox = new Outbox(() => pending, 100);
    expect(outbox.refusal(60)).toBe(0);
    pending = 60;
    expect(outbox.refusal(40)).toBe(0);
    pending = 100;
    expect(outbox.refusal(1)).toBe(100);
  });

  it('still admits one frame bigger than the limit when nothing waits', () => {
    let pending = 0;
    const outbox = new Outbox(() => pending, 100);
    expect(outbox.refusal(500)).toBe(0);
    pending = 500;
    expect(outbox.refusal(1)).toBe(500);
  });

  it("allows a session's bytes in flight on top of the limit, and says so when it evicts all the same", () => {
    let pending = 0;
    let inFlight = 0;
    const outbox = new Outbox(() => pending, 100, () => inFlight);
    pending = 90;
    inFlight = 50;
    expect(outbox.refusal(60)).toBe(0);
    pending = 150;
    expect(outbox.refusal(1)).toBe(150);
    inFlight = 0;
    expect(outbox.refusal(1)).toBe(150);
    inFlight = 50;
    expect(outbox.slowConsumer('127.0.0.1:4000', 151).message).toBe(
      '127.0.0.1:4000 is not reading: 151 bytes wait to be sent, over maxPendingBytes (100) (and 50 bytes of session messages in flight); evicted as a slow consumer',
    );
  });

  it('words the eviction as BadConn naming the peer, the bytes and the limit', () => {
    const error = new Outbox(() => 0, 100).slowConsumer('127.0.0.1:4000', 123);
    expect(error).toBeInstanceOf(BadConnError);
    expect(error.message).toBe('127.0.0.1:4000 is not reading: 123 bytes wait to be sent, over maxPendingBytes (100); evicted as a slow consumer');
  });
});
