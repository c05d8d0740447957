import { PassThrough } from 'node:stream';
import { ReadGate } from '../src/connection/read-gate';

describe('ReadGate', () => {
  it('keeps the socket paused while any reason holds: one resume does not undo another pause', () => {
    const socket = new PassThrough();
    socket.resume();
    const gate = new ReadGate(socket);

    gate.pause('inbox full');
    gate.pause('holding frames');
    expect(socket.isPaused()).toBe(true);
    gate.resume('holding frames');
    expect(socket.isPaused()).toBe(true);
    expect(gate.paused).toBe(true);
    gate.resume('inbox full');
    expect(socket.isPaused()).toBe(false);
    expect(gate.paused).toBe(false);
  });

  it('ignores a resume for a reason that was not paused for', () => {
    const socket = new PassThrough();
    const gate = new ReadGate(socket);
    gate.pause('inbox full');
    gate.resume('holding frames');
    expect(socket.isPaused()).toBe(true);
    gate.pause('inbox full');
    gate.resume('inbox full');
    expect(socket.isPaused()).toBe(false);
  });
});
