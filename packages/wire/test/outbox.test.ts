import { BadConnError } from '@oon/core';
import { CONTROL_ALLOWANCE_BYTES, Outbox, type HeldSession } from '../src/connection/outbox';

/** What a session holds, as the test sets it. */
function heldSession(): HeldSession & { heldBytes: number; inFlightBytes: number } {
  return { heldBytes: 0, inFlightBytes: 0 };
}

describe('Outbox', () => {
  it('admits frames until the bytes waiting would pass maxPendingBytes, then refuses, saying how many wait', () => {
    let pending = 0;
    const outbox = new Outbox(() => pending, 100, heldSession());
    expect(outbox.refusal(60)).toBe(0);
    pending = 60;
    expect(outbox.refusal(40)).toBe(0);
    pending = 100;
    expect(outbox.refusal(1)).toBe(100);
  });

  it('still admits one frame bigger than the limit when nothing is held', () => {
    let pending = 0;
    const outbox = new Outbox(() => pending, 100, heldSession());
    expect(outbox.refusal(500)).toBe(0);
    pending = 500;
    expect(outbox.refusal(1)).toBe(500);
  });

  it("counts a session's unacknowledged messages, and its bytes in the socket once: those in flight are copies of them", () => {
    let pending = 0;
    const session = heldSession();
    const outbox = new Outbox(() => pending, 100, session);
    // 80 held by the session, 50 of them written and still in the socket: 80 held in all.
    session.heldBytes = 80;
    session.inFlightBytes = 50;
    pending = 50;
    expect(outbox.held).toBe(80);
    expect(outbox.refusal(20)).toBe(0);
    expect(outbox.refusal(21)).toBe(80);
    // A ping in the socket beyond the session's frames counts too.
    pending = 60;
    expect(outbox.held).toBe(90);
    // Messages waiting for room in the window (held, not in flight) count: a stuck peer passes the bound.
    session.heldBytes = 120;
    expect(outbox.refusal(1)).toBe(130);
    expect(outbox.slowConsumer('127.0.0.1:4000', 130).message).toBe(
      '127.0.0.1:4000 is not reading: 130 bytes are held for it (120 of them session messages not yet acknowledged), and more would pass maxPendingBytes (100); evicted as a slow consumer. Raise maxPendingBytes if the peer is only slow, or send it less',
    );
  });

  it('lets control frames pass the bound by CONTROL_ALLOWANCE_BYTES, and no further', () => {
    const session = heldSession();
    const outbox = new Outbox(() => 0, 100, session);
    session.heldBytes = 100;
    expect(outbox.refusal(13)).toBe(100);
    expect(outbox.refusal(13, true)).toBe(0);
    session.heldBytes = 100 + CONTROL_ALLOWANCE_BYTES;
    expect(outbox.refusal(13, true)).toBe(100 + CONTROL_ALLOWANCE_BYTES);
  });

  it("within one writer batch, admits what fits in the room its last check found without reading the socket again; past that room, after a refusal or in the next batch it checks again", () => {
    let reads = 0;
    const session = heldSession();
    const outbox = new Outbox(() => (reads += 1, 0), 100, session);
    expect(outbox.credited(1, 7)).toBe(false); // nothing checked yet
    expect(outbox.refusal(30, false, 7)).toBe(0); // 70 bytes of room left in batch 7
    session.heldBytes = 30;
    expect(reads).toBe(1);
    expect(outbox.credited(30, 7)).toBe(true);
    expect(outbox.credited(30, 7)).toBe(true);
    session.heldBytes = 90;
    expect(outbox.credited(30, 7)).toBe(false); // 10 left
    expect(outbox.credited(10, 8)).toBe(false); // the socket may hold more in the next batch
    expect(reads).toBe(1);
    expect(outbox.refusal(30, false, 7)).toBe(90);
    expect(outbox.credited(1, 7)).toBe(false); // a refusal (an eviction) leaves no credit
    session.heldBytes = 0;
    expect(outbox.refusal(500, false, 9)).toBe(0); // one frame past the bound when nothing is held
    expect(outbox.credited(1, 9)).toBe(false);
  });

  it('words the eviction as BadConn naming the peer, the bytes, the limit and what to raise', () => {
    const error = new Outbox(() => 0, 100, heldSession()).slowConsumer('127.0.0.1:4000', 123);
    expect(error).toBeInstanceOf(BadConnError);
    expect(error.message).toBe(
      '127.0.0.1:4000 is not reading: 123 bytes are held for it, and more would pass maxPendingBytes (100); evicted as a slow consumer. Raise maxPendingBytes if the peer is only slow, or send it less',
    );
  });
});
