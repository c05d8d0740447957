/**
 * The fleet server: serves the page and its bundle over HTTP and OON over WebSocket on
 * the same port (at `/oon`), moves the trucks and sends each move to every page.
 *
 * `node dist/server.js [port] [--steps N] [--interval ms]`: port 8080 by default (0
 * picks a free one); with `--steps`, the trucks stop after N moves and the server prints
 * their last positions (`final [...]`), which the example's test compares with the page.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { OonServer } from '@oon/server';
import { FleetTruck } from './fleet';
import { drive, makeFleet } from './fleet-sim';
import { bundlePage, EXAMPLE_ROOT } from './page-bundle';

/** Trucks on the map. */
const FLEET_SIZE = 6;

function option(name: string): number | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : Number(process.argv[at + 1]);
}

async function main(): Promise<void> {
  const port = Number(process.argv[2] !== undefined && !process.argv[2].startsWith('--') ? process.argv[2] : 8080);
  const steps = option('--steps') ?? Infinity;
  const interval = option('--interval') ?? 200;

  const files: Record<string, { type: string; body: string }> = {
    '/': { type: 'text/html; charset=utf-8', body: readFileSync(join(EXAMPLE_ROOT, 'src', 'page', 'index.html'), 'utf8') },
    '/bundle.js': { type: 'text/javascript; charset=utf-8', body: await bundlePage() },
  };
  const http = createServer((request, response) => {
    const file = files[new URL(request.url ?? '/', 'http://localhost').pathname];
    if (file === undefined) response.writeHead(404).end();
    else response.writeHead(200, { 'content-type': file.type }).end(file.body);
  });

  const oon = new OonServer<FleetTruck>({ tcp: false, websocket: { server: http, path: '/oon' } });
  oon.on('error', (err) => console.error(`${err.code}: ${err.message}`));
  const fleet = makeFleet(FLEET_SIZE);
  // A page that connects late gets where every truck is now, then each move.
  oon.on('connection', (peer) => {
    for (const truck of fleet) peer.send(truck).catch((err: Error) => console.error(`cannot send ${truck.id} to ${peer.address}: ${err.message}`));
  });
  await oon.listen();
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  console.log(`fleet server: open http://127.0.0.1:${(http.address() as AddressInfo).port}/`);

  let moved = 0;
  const timer = setInterval(() => {
    for (const truck of fleet) {
      drive(truck);
      void oon.broadcast(truck).then(({ failures }) => {
        for (const { peer, error } of failures) console.error(`cannot send ${truck.id} to ${peer.address}: ${error.message}`);
      });
    }
    if (++moved >= steps) {
      clearInterval(timer);
      console.log(`final ${JSON.stringify(fleet.map((truck) => ({ id: truck.id, position: truck.position(), step: truck.step })))}`);
    }
  }, interval);

  const stop = (): void => {
    clearInterval(timer);
    void oon.close().then(() => http.close());
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`fleet server failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
