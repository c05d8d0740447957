import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runNode, type NodeRun } from '../support/node-process';

const ROOT = join(__dirname, '..', '..');
const GUIDE = readFileSync(join(ROOT, 'docs', 'from-python-oon.md'), 'utf8');
const EXAMPLES = join(ROOT, 'examples', 'from-python');

const SEED_FUNCTIONS = [
  'turn_on',
  'turn_off',
  'accept_net_connection',
  'close_client_connection',
  'connect_to_srv',
  'disconnect_from_srv',
  'generate_net_message',
  'load_net_message_from_str',
  'receive_data',
  'send_data',
  'is_running',
  'is_connected',
  '_NetMessage',
  '_NetClient',
  'ExCode',
];

const SEED_TRUCK = [
  'FordTruck',
  ' speed:20, mark:CarMark.Ford, cars inside trailer:1',
  'car inside trailer info:',
  'VolvoCar',
  ' wheels:4 speed:35, mark:CarMark.Volvo',
].join('\n');

/** Runs a compiled guide program with node; `pnpm test` builds them first (`tsc -b`). */
function run(script: string, args: string[] = []): NodeRun {
  return runNode(join(EXAMPLES, 'dist', script), args);
}

describe('docs/from-python-oon.md', () => {
  it('names every function and object of the seed page in its table', () => {
    const firstColumn = GUIDE.split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split('|')[1] ?? '');
    for (const name of SEED_FUNCTIONS) {
      expect(firstColumn.some((cell) => cell.includes(`\`${name}`))).toBe(true);
    }
  });

  it('shows exactly the code of examples/from-python/src, which tsc compiles', () => {
    const blocks = [...GUIDE.matchAll(/```ts\n(\/\/ (examples\/from-python\/src\/[\w-]+\.ts)[^\n]*\n[\s\S]*?)```/g)];
    expect(blocks.map((b) => b[2])).toEqual([
      'examples/from-python/src/server.ts',
      'examples/from-python/src/client.ts',
      'examples/from-python/src/every-function.ts',
    ]);
    for (const [, code, path] of blocks) {
      expect(code).toBe(readFileSync(join(ROOT, path as string), 'utf8'));
    }
  });

  it("runs the seed's two programs: the client prints the truck the server sent", async () => {
    const server = run('server.js', ['0']);
    const [, port] = await server.nextLine(/^listening on port (\d+)$/);
    const client = run('client.js', [port as string]);
    expect(await client.exited).toBe(0);
    expect(await server.exited).toBe(0);
    expect(client.lines.join('\n')).toContain(SEED_TRUCK);
    expect(server.lines.join('\n')).toContain(SEED_TRUCK);
    expect(server.lines).toContain('client with ip 127.0.0.1');
    expect(server.lines.at(-1)).toBe('server is off');
  });

  it('runs every function, each doing what the guide says', async () => {
    const tour = run('every-function.js');
    expect(await tour.exited).toBe(0);
    expect(tour.lines).toEqual([
      'is_running: true',
      'is_connected: true',
      '_NetClient: addr 127.0.0.1, alive true, uuid 10 hex chars',
      '_NetMessage: uuid 0123456789, netobj FordTruck',
      `json_string: ${readFileSync(join(ROOT, 'test/fixtures/oon-0.0.5/fixtures/ford_truck.json'), 'utf8').replace(', "wheels": 4', '')}`,
      'load_net_message_from_str: FordTruck, speed 10 (ignored: the default)',
      'receive_data: FordTruck, instanceof FordTruck true',
      'receive_data(client): VolvoCar, wheels 4',
      'ExCode: BadConn = 4, Success = 0',
      'is_connected: false',
      'is_running: false',
    ]);
  });
});
