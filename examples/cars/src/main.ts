/**
 * Runs the seed's example as two processes: the server on a free port, then the
 * client, and prints what each printed, as the seed page shows it. Exits non-zero
 * if either process fails or the run takes more than 30 s.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const DEADLINE_MS = 30_000;

interface Run {
  child: ChildProcess;
  output: string[];
  exited: Promise<number>;
}

function start(script: string, args: string[]): Run {
  const child = fork(join(__dirname, script), args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  return { child, output, exited };
}

async function main(): Promise<number> {
  const server = start('server.js', ['0']);
  const deadline = setTimeout(() => {
    console.error(`example did not finish within ${DEADLINE_MS} ms`);
    server.child.kill();
    client?.child.kill();
  }, DEADLINE_MS);
  let client: Run | undefined;
  const port = await new Promise<number | undefined>((resolve) => {
    server.child.once('message', (m: { port?: number }) => resolve(m.port));
    server.child.once('exit', () => resolve(undefined));
  });
  if (port !== undefined) client = start('client.js', [String(port)]);
  const [serverCode, clientCode] = await Promise.all([server.exited, client?.exited ?? Promise.resolve(1)]);
  clearTimeout(deadline);
  console.log(`on server:\n${server.output.join('')}`);
  console.log(`on client:\n${client?.output.join('') ?? '(not started: the server did not listen)\n'}`);
  return serverCode === 0 && clientCode === 0 ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
