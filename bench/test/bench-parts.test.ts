/**
 * The flags that pick `pnpm bench`'s parts, and its memory part run for real (a server
 * process, a process of clients, over 127.0.0.1) with a few clients.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { benchParts } from '../src/bench-parts';

describe('pnpm bench flags', () => {
  it('runs every part without a part flag', () => {
    expect(benchParts([])).toEqual({ codecs: true, evolution: true, transports: true, memory: true });
    expect(benchParts(['--quick', '--no-write', '--only=OON'])).toEqual({ codecs: true, evolution: true, transports: true, memory: true });
  });

  it('runs only the parts named, the schema evolution case with the codecs', () => {
    expect(benchParts(['--memory'])).toEqual({ codecs: false, evolution: false, transports: false, memory: true });
    expect(benchParts(['--codecs'])).toEqual({ codecs: true, evolution: true, transports: false, memory: false });
    expect(benchParts(['--evolution'])).toEqual({ codecs: false, evolution: true, transports: false, memory: false });
    expect(benchParts(['--transport', '--memory'])).toEqual({ codecs: false, evolution: false, transports: true, memory: true });
  });
});

describe('pnpm bench --memory', () => {
  it('reports the server and client memory per idle connection, with a session and without, and the issue 15 target', async () => {
    // The compiled bench, as `pnpm bench` runs it (`pnpm test` builds first).
    const main = join(__dirname, '..', 'dist', 'main.js');
    const { stdout } = await promisify(execFile)(process.execPath, [main, '--memory', '--no-write', '--clients=40'], { timeout: 60_000 });
    const rows = stdout.split('\n').filter((line) => line.startsWith('| one node |'));
    expect(rows.map((row) => row.split('|')[2]?.trim())).toEqual(['on', 'off']);
    for (const row of rows) {
      const [heap, external, , clientHeap] = (row.split('|').slice(3, 7) as string[]).map(Number);
      // KiB per connection: a heap of its own on each side, and no writer's slab outside it (two of 16 KiB each before).
      expect(heap).toBeGreaterThan(2);
      expect(heap).toBeLessThan(64);
      expect(clientHeap).toBeGreaterThan(2);
      expect(external).toBeLessThan(4);
    }
    expect(stdout).toMatch(/server JS heap per idle connection with the default session \(issue 15\): [\d.]+ KiB, target ≤ /);
    expect(stdout).toMatch(/server JS heap per idle connection without a session \(issue 15\): [\d.]+ KiB, target ≤ /);
  }, 90_000);
});
