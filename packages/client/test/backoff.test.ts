import { backoffDelay, resolveReconnectOptions } from '../src/backoff';

describe('backoffDelay', () => {
  const policy = { initialDelay: 100, maxDelay: 30_000 };

  it('doubles the ceiling from initialDelay each attempt, up to maxDelay (full jitter: random 1 gives the ceiling)', () => {
    const ceilings = [1, 2, 3, 4, 5, 9, 10, 50].map((attempt) => backoffDelay(attempt, policy, () => 1));
    expect(ceilings).toEqual([100, 200, 400, 800, 1_600, 25_600, 30_000, 30_000]);
  });

  it('draws uniformly below the ceiling: random 0 waits not at all, 0.5 half the ceiling', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
  });

  it('never passes maxDelay, however many attempts', () => {
    for (let attempt = 1; attempt < 2_000; attempt += 97) {
      const delay = backoffDelay(attempt, policy);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(30_000);
    }
  });
});

describe('resolveReconnectOptions', () => {
  it('defaults to 100 ms .. 30 s and unlimited attempts; false turns reconnecting off', () => {
    expect(resolveReconnectOptions(undefined)).toEqual({ initialDelay: 100, maxDelay: 30_000, maxAttempts: Infinity });
    expect(resolveReconnectOptions(true)).toEqual({ initialDelay: 100, maxDelay: 30_000, maxAttempts: Infinity });
    expect(resolveReconnectOptions({ initialDelay: 5, maxDelay: 50, maxAttempts: 3 })).toEqual({ initialDelay: 5, maxDelay: 50, maxAttempts: 3 });
    expect(resolveReconnectOptions(false)).toBeUndefined();
  });

  it('refuses nonsense with RangeError or TypeError', () => {
    expect(() => resolveReconnectOptions({ initialDelay: 0 })).toThrow(RangeError);
    expect(() => resolveReconnectOptions({ initialDelay: 500, maxDelay: 100 })).toThrow(/maxDelay must be at least initialDelay/);
    expect(() => resolveReconnectOptions({ maxAttempts: 0 })).toThrow(RangeError);
    expect(() => resolveReconnectOptions('yes' as unknown as boolean)).toThrow(TypeError);
  });
});
