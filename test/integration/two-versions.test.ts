/**
 * Two separately compiled versions of a model module (test/fixtures/evolution: v1 and
 * v2, the same wire names declared differently), each in its own node process, talking
 * both ways (docs/evolution.md); then a rolling restart of the server from v1 to v2 while
 * a v1 and a v2 client stream numbered readings over their sessions.
 */
import { join } from 'node:path';
import { exampleProcesses, type ExampleProcess } from '../support/example-process';
import { freePort } from '../support/free-port';
import { waitUntil } from '../support/wait-until';

const DIST = join(__dirname, '..', 'fixtures', 'evolution', 'dist');
const processes = exampleProcesses(DIST);
afterEach(() => processes.killAll());

/** What a peer printed of an object it received. */
interface Report {
  readonly version: string;
  readonly cls: string;
  readonly instance: boolean;
  readonly fields: Record<string, unknown>;
}

function reports(peer: ExampleProcess, prefix: 'got' | 'reply'): Report[] {
  return peer.lines.filter((l) => l.startsWith(`${prefix} `)).map((l) => JSON.parse(l.slice(prefix.length + 1)) as Report);
}

async function server(version: 'v1' | 'v2', port = 0): Promise<{ peer: ExampleProcess; port: number }> {
  const peer = processes.start('peer', [version, 'server', port]);
  const line = await peer.line(/^listening \d+$/);
  return { peer, port: Number(line.slice('listening '.length)) };
}

function client(version: 'v1' | 'v2', port: number, name: string, count: number, pauseEvery = 50): ExampleProcess {
  return processes.start('peer', [version, 'client', port, name, count, pauseEvery]);
}

describe('a v1 and a v2 process', () => {
  it('a v1 client and a v2 server exchange messages and a request, each reading the other as its own class', async () => {
    const { peer: v2, port } = await server('v2');
    const v1 = client('v1', port, 'alpha', 3);
    await v1.line(/^done /);
    await waitUntil(() => reports(v2, 'got').length === 3, 5_000, () => 'the server reading all three');

    expect(v1.lines[0]).toBe(
      'connected {"send":[],"receive":[{"rule":"class-missing","class":"Person","message":"this side has no class `Person` (nor one with it as an alias)"}]}',
    );
    expect(reports(v1, 'reply')).toEqual([{ version: 'v1', cls: 'Pong', instance: true, fields: { n: 42 } }]);
    // v1 sent no site and no taker: the v2 server keeps its defaults.
    expect(reports(v2, 'got')).toEqual(
      [1, 2, 3].map((n) => ({ version: 'v2', cls: 'Reading', instance: true, fields: { n, source: 'alpha', site: 'unknown', taker: null } })),
    );
    // The server's answers carry site and taker, which v1 skips; v1 keeps its unit.
    expect(reports(v1, 'got')).toEqual(
      [1, 2, 3].map((n) => ({ version: 'v1', cls: 'Reading', instance: true, fields: { n, source: 'server-v2', unit: 'C' } })),
    );
  });

  it('a v2 client and a v1 server do the same the other way, the v1 side skipping an object of a class it lacks', async () => {
    const { peer: v1, port } = await server('v1');
    const v2 = client('v2', port, 'beta', 3);
    await v2.line(/^done /);
    await waitUntil(() => reports(v1, 'got').length === 3, 5_000, () => 'the server reading all three');

    expect(v2.lines[0]).toBe(
      'connected {"send":[{"rule":"class-missing","class":"Person","message":"the peer has no class `Person` (nor one with it as an alias)"}],"receive":[]}',
    );
    expect(reports(v2, 'reply')).toEqual([{ version: 'v2', cls: 'Pong', instance: true, fields: { n: 42, served: 'nobody' } }]);
    expect(reports(v1, 'got')).toEqual([1, 2, 3].map((n) => ({ version: 'v1', cls: 'Reading', instance: true, fields: { n, source: 'beta', unit: 'C' } })));
    expect(reports(v2, 'got')).toEqual(
      [1, 2, 3].map((n) => ({ version: 'v2', cls: 'Reading', instance: true, fields: { n, source: 'server-v1', site: 'unknown', taker: null } })),
    );
  });
});

describe('a rolling restart from v1 to v2', () => {
  it('loses nothing a v1 and a v2 client stream over their sessions, and every reading arrives as the server version reads it', async () => {
    const COUNT = 4_000;
    // A port the kernel hands no other socket while each server is down (free-port.ts).
    const first = await server('v1', await freePort());
    const { port } = first;
    const clients = { alpha: client('v1', port, 'alpha', COUNT, 20), beta: client('v2', port, 'beta', COUNT, 20) };
    const generations: Array<{ version: 'v1' | 'v2'; peer: ExampleProcess }> = [{ version: 'v1', peer: first.peer }];

    // Each server process is killed once it has read a share of the stream, and the next
    // version takes its port: v1, then v2, then v2 again (three server processes).
    for (const next of ['v2', 'v2'] as const) {
      const current = generations.at(-1)?.peer as ExampleProcess;
      await waitUntil(() => reports(current, 'got').length >= 1_500, 30_000, () => `the server reading 1,500 readings (${reports(current, 'got').length} so far)`);
      current.child.kill('SIGKILL');
      await current.exited;
      generations.push({ version: next, peer: (await server(next, port)).peer });
    }
    for (const c of Object.values(clients)) await c.line(/^done /, 60_000);

    const numbersFrom = (name: string): number[] =>
      generations.flatMap((g) => reports(g.peer, 'got').filter((r) => r.fields['source'] === name)).map((r) => r.fields['n'] as number);
    const missingFrom = (name: string): number[] => {
      const numbers = new Set(numbersFrom(name));
      return Array.from({ length: COUNT }, (_, i) => i + 1).filter((n) => !numbers.has(n));
    };
    // A client prints `done` once the server has acknowledged everything, which can be
    // before the test has read the server's last `got` lines from its stdout pipe.
    await waitUntil(() => Object.keys(clients).every((name) => missingFrom(name).length === 0), 5_000, () => 'the last server printing every reading').catch(() => {});
    for (const [name, c] of Object.entries(clients)) {
      const numbers = numbersFrom(name);
      const missing = missingFrom(name);
      expect({ name, missing }).toEqual({ name, missing: [] });
      const backs = c.lines.filter((l) => l.startsWith('back ')).map((l) => JSON.parse(l.slice(5)) as { resumed: boolean; resent: number });
      // A new session after each restart the client was still streaming through: each server is a new process.
      // (A loaded machine may let a client finish before the last restart.)
      expect(backs.length).toBeGreaterThanOrEqual(1);
      expect(backs.every((b) => !b.resumed)).toBe(true);
      const resent = backs.reduce((sum, b) => sum + b.resent, 0);
      expect(numbers.length - COUNT).toBeLessThanOrEqual(resent);
      if (process.env['OON_FIGURES'] !== undefined) console.log(JSON.stringify({ name, received: numbers.length, duplicates: numbers.length - COUNT, resent }));
      expect(JSON.parse(c.lines.find((l) => l.startsWith('done '))?.slice(5) ?? '{}')).toMatchObject({ sent: COUNT, lost: 0 });
    }
    for (const { version, peer } of generations) {
      for (const r of reports(peer, 'got')) {
        expect(r.instance).toBe(true);
        expect(r.version).toBe(version);
        const fromV2 = r.fields['source'] === 'beta';
        if (version === 'v1') expect(r.fields['unit']).toBe('C');
        else expect([r.fields['site'], r.fields['taker']]).toEqual(fromV2 ? ['north', 'Ada'] : ['unknown', null]);
      }
    }
  }, 90_000);
});
