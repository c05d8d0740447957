/**
 * A server that prints every tick it receives, one `got <n>` line each, after a
 * `listening <port>` line. `node dist/server.js [port] [websocket]`; port 0 (the default)
 * picks one; `websocket` takes clients over WebSocket (`ws://127.0.0.1:<port>/`) instead of TCP.
 * Kill it (even with SIGKILL) and start it again on the same port: clients reconnect.
 */
import { OonServer } from '@oon/server';
import { syncStdout } from '@oon/sync-stdout';
import { Tick } from './tick';

// Tests SIGKILL this process and count the lines it printed.
syncStdout();

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 0);
  const server =
    process.argv[3] === 'websocket'
      ? new OonServer<Tick>({ tcp: false, websocket: { host: '127.0.0.1', port } })
      : new OonServer<Tick>({ host: '127.0.0.1', port });
  server.onMessage(Tick, (tick) => process.stdout.write(`got ${tick.n}\n`));
  server.on('error', (err) => process.stderr.write(`${err.code}: ${err.message}\n`));
  const bound = await server.listen();
  process.stdout.write(`listening ${bound.port}\n`);
  process.once('SIGTERM', () => void server.close());
}

void main();
