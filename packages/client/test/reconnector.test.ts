import { Reconnector } from '../src/reconnector';

const policy = { initialDelay: 1, maxDelay: 4, maxAttempts: 5 };

describe('Reconnector', () => {
  it('waits, tries, and repeats until an attempt works, announcing each wait', async () => {
    const waits: number[] = [];
    let tries = 0;
    const outcome = await new Reconnector(policy, {
      waiting: (attempt, delay) => {
        waits.push(attempt);
        expect(delay).toBeLessThanOrEqual(Math.min(4, 2 ** (attempt - 1)));
      },
      attempt: async () => {
        tries += 1;
        if (tries < 3) throw new Error('refused');
      },
      isFinal: () => false,
    }).run();
    expect(outcome).toEqual({ kind: 'connected', attempts: 3 });
    expect(waits).toEqual([1, 2, 3]);
  });

  it('gives up after maxAttempts with the last error, or at once on a final one', async () => {
    const last = new Error('still refused');
    const spent = await new Reconnector(policy, { waiting: () => {}, attempt: () => Promise.reject(last), isFinal: () => false }).run();
    expect(spent).toEqual({ kind: 'gave up', attempts: 5, error: last });

    const refused = new Error('authentication failed');
    const final = await new Reconnector(policy, { waiting: () => {}, attempt: () => Promise.reject(refused), isFinal: (e) => e === refused }).run();
    expect(final).toEqual({ kind: 'gave up', attempts: 1, error: refused });
  });

  it('stops when cancelled during a wait, without another attempt', async () => {
    let tries = 0;
    const reconnector = new Reconnector(
      { initialDelay: 60_000, maxDelay: 60_000, maxAttempts: Infinity },
      { waiting: () => {}, attempt: async () => void (tries += 1), isFinal: () => false },
    );
    const running = reconnector.run();
    reconnector.cancel();
    expect(await running).toEqual({ kind: 'cancelled' });
    expect(tries).toBe(0);
  });
});
