/**
 * A client that streams ticks to `node dist/server.js` and rides out the server's
 * restarts, and its own naps: `node dist/client.js <port> [count] [heartbeatMs]`. It
 * prints what the link does, each tick the server sends it (`got <n>`) and, at the end,
 * the session's delivery figures. With `heartbeatMs` it pings a silent server after that
 * long and gives up on it after as long again (the default is 25 s and 20 s); stop it
 * (`kill -STOP`) and continue it (`kill -CONT`): it reconnects and resumes its session.
 */
import { OonClient } from '@oon/client';
import { syncStdout } from '@oon/sync-stdout';
import { Tick } from './tick';

// Tests SIGKILL this process and count the lines it printed.
syncStdout();

async function main(): Promise<void> {
  const port = Number(process.argv[2]);
  const count = Number(process.argv[3] ?? 10_000);
  const heartbeat = process.argv[4] === undefined ? {} : { pingInterval: Number(process.argv[4]), pongTimeout: Number(process.argv[4]) };
  const client = new OonClient<Tick>({ host: '127.0.0.1', port, reconnect: { initialDelay: 100, maxDelay: 5_000 }, ...heartbeat });
  client.on('disconnect', (reason) => console.log(`link down (${reason})`));
  client.on('reconnecting', (attempt, delay) => console.log(`reconnect attempt ${attempt} in ${delay} ms`));
  client.on('reconnect', ({ resumed, resent }) => console.log(`back: ${resumed ? 'session resumed' : 'new session'}, ${resent} resent`));
  client.on('loss', (lost) => console.log(`${lost} messages were never acknowledged`));
  client.on('message', (tick) => console.log(`got ${tick.n}`));
  await client.connect();
  for (let n = 0; n < count; n++) {
    // While the link is down, send() holds the tick (up to 8 MiB) and resolves at once.
    await client.send(new Tick(n));
    if (n % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 10)); // a stream, not a burst
  }
  await client.flush(); // every tick acknowledged, however many reconnects it takes
  await client.close();
  console.log(JSON.stringify(client.stats));
}

void main();
