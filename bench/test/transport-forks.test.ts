/**
 * The transport half in forks (`transport/forks.ts`): each fork a fresh sender process
 * with its own receivers, the figures taken over every fork's rounds.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { transportTable } from '../src/report';
import { summarizeForks, type TransportSamples } from '../src/transport/transport-bench';

describe('transport bench forks', () => {
  it("takes the median of every fork's rounds, pools the latencies and keeps each fork's median", () => {
    const fork = (rates: number[], latencies: number[]): TransportSamples[] => [{ name: 'line', rates, latencies }];
    const [result] = summarizeForks([fork([5, 1, 3], [0.08, 0.09]), fork([10, 7, 9], [0.1, 0.2])]);
    // Rounds 1, 3, 5, 7, 9, 10: the median taken is the upper middle, 7; fork medians 3 and 9.
    expect(result).toMatchObject({ name: 'line', messagesPerSec: 7, forkRates: [3, 9] });
    expect(result?.spread).toBeCloseTo((10 - 1) / 7);
    expect(result?.p50Us).toBeCloseTo(100);
    expect(result?.p99Us).toBeCloseTo(200);
    expect(transportTable(result === undefined ? [] : [result])).toContain('| 7 | ±64% |  | 100 | 200 | 3, 9 |');
  });

  it('runs each fork as a fresh process and reports every fork, then their summary', async () => {
    // The compiled bench, as `pnpm bench` runs it (`pnpm test` builds first); one cheap line, short rounds.
    const main = join(__dirname, '..', 'dist', 'main.js');
    const { stdout } = await promisify(execFile)(process.execPath, [main, '--transport', '--quick', '--forks=2', '--only=raw net', '--no-write', '--no-pin'], { timeout: 90_000 });
    expect(stdout).toContain('fork 1 of 2:');
    expect(stdout).toContain('fork 2 of 2:');
    const summary = stdout.split('\n').filter((line) => line.startsWith('| raw net + JSON lines |')).at(-1) ?? '';
    // The summary row ends with both forks' medians.
    expect(summary.split('|').at(-2)?.trim()).toMatch(/^[\d,]+, [\d,]+$/);
  }, 100_000);

  it('refuses a number of forks that is not a whole number of at least 1', async () => {
    const main = join(__dirname, '..', 'dist', 'main.js');
    await expect(promisify(execFile)(process.execPath, [main, '--transport', '--forks=0', '--no-write'], { timeout: 30_000 })).rejects.toMatchObject({
      stderr: expect.stringContaining('--forks wants a whole number of forks, at least 1; got 0'),
    });
  });
});
