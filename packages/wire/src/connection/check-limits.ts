import type { ConnectionOptions } from './connection-options';

/** Options counted in bytes: positive integers. */
const BYTES = ['maxFrameBytes', 'maxPendingBytes'] as const;
/** Options that count things: positive integers. */
const COUNTS = ['maxRequestsInFlight'] as const;
/** Options counted in milliseconds, where 0 turns the deadline off. */
const DEADLINES = ['partialFrameTimeout', 'pingInterval', 'pongTimeout'] as const;
/** Options counted in milliseconds, where 0 means at once. */
const DELAYS = ['handshakeTimeout', 'closeGrace'] as const;

/**
 * Checks the limits of {@link ConnectionOptions}, for `resolveServerOptions` and
 * `resolveClientOptions`: a caller's mistake is a `RangeError` at construction, naming
 * the option, rather than a limit that silently never fires.
 */
export function checkLimits(options: ConnectionOptions): void {
  for (const name of BYTES) {
    const value = options[name];
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new RangeError(`${name} must be a positive whole number of bytes, got ${String(value)}`);
    }
  }
  for (const name of COUNTS) {
    const value = options[name];
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
      throw new RangeError(`${name} must be a positive whole number, got ${String(value)}`);
    }
  }
  for (const name of [...DEADLINES, ...DELAYS]) {
    const value = options[name];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      const zero = (DEADLINES as readonly string[]).includes(name) ? ' (0 turns it off)' : '';
      throw new RangeError(`${name} must be a number of milliseconds, 0 or more${zero}, got ${String(value)}`);
    }
  }
}
