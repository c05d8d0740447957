import { Duplex } from 'node:stream';
import { BadConnError } from '@oon/core';
import { Outbox } from '../src/outbox';

/** A socket whose peer never reads: every write stays pending. */
function stuckSocket(): Duplex {
  return new Duplex({ write: () => {}, read: () => {} });
}

describe('Outbox', () => {
  it('writes until the bytes waiting would pass maxPendingBytes, then refuses, saying how many wait', () => {
    const socket = stuckSocket();
    const outbox = new Outbox(socket, 100);
    expect(outbox.write(Buffer.alloc(60))).toBe(0);
    expect(outbox.write(Buffer.alloc(40))).toBe(0);
    expect(socket.writableLength).toBe(100);
    expect(outbox.write(Buffer.alloc(1))).toBe(100);
    expect(socket.writableLength).toBe(100);
  });

  it('still writes one frame bigger than the limit to a peer that has read everything', () => {
    const socket = stuckSocket();
    const outbox = new Outbox(socket, 100);
    expect(outbox.write(Buffer.alloc(500))).toBe(0);
    expect(outbox.write(Buffer.alloc(1))).toBe(500);
  });

  it('words the eviction as BadConn naming the peer, the bytes and the limit', () => {
    const error = new Outbox(stuckSocket(), 100).slowConsumer('127.0.0.1:4000', 123);
    expect(error).toBeInstanceOf(BadConnError);
    expect(error.message).toBe('127.0.0.1:4000 is not reading: 123 bytes wait to be sent, over maxPendingBytes (100); evicted as a slow consumer');
  });
});
