import { checkLimits } from '@oon/wire/internal';

describe('checkLimits', () => {
  it('accepts every default, 0 for deadlines that 0 turns off, and any positive limit', () => {
    expect(() => checkLimits({})).not.toThrow();
    expect(() => checkLimits({ partialFrameTimeout: 0, pingInterval: 0, pongTimeout: 0, closeGrace: 0 })).not.toThrow();
    expect(() => checkLimits({ maxFrameBytes: 1, maxPendingBytes: 64 * 1024 * 1024, handshakeTimeout: 1 })).not.toThrow();
    expect(() => checkLimits({ maxRequestsInFlight: 1 })).not.toThrow();
  });

  it.each([
    [{ maxFrameBytes: 0 }, 'maxFrameBytes must be a positive whole number of bytes, got 0'],
    [{ maxPendingBytes: 1.5 }, 'maxPendingBytes must be a positive whole number of bytes, got 1.5'],
    [{ pingInterval: -1 }, 'pingInterval must be a number of milliseconds, 0 or more (0 turns it off), got -1'],
    [{ pongTimeout: Number.NaN }, 'pongTimeout must be a number of milliseconds, 0 or more (0 turns it off), got NaN'],
    [{ partialFrameTimeout: Infinity }, 'partialFrameTimeout must be a number of milliseconds, 0 or more (0 turns it off), got Infinity'],
    [{ maxRequestsInFlight: 0 }, 'maxRequestsInFlight must be a positive whole number, got 0'],
    [{ maxRequestsInFlight: 2.5 }, 'maxRequestsInFlight must be a positive whole number, got 2.5'],
    [{ maxRequestsInFlight: Infinity }, 'maxRequestsInFlight must be a positive whole number, got Infinity'],
    [{ maxRequestsInFlight: -1 }, 'maxRequestsInFlight must be a positive whole number, got -1'],
    [{ closeGrace: -5 }, 'closeGrace must be a number of milliseconds, 0 or more, got -5'],
  ])('refuses %j with a RangeError naming the option', (options, message) => {
    expect(() => checkLimits(options)).toThrow(new RangeError(message));
  });
});
