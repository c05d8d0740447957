/** The seed's `main.py`: builds a truck, waits for one client, sends the truck, stops. */
import { OonServer, type Peer } from '@oon/server';
import { FordTruck, VolvoCar } from './cars';

async function main(): Promise<void> {
  const myCar = new VolvoCar(35, 4);
  const myTruck = new FordTruck(20, myCar, 1);
  console.log('\n');
  myTruck.showInfo();
  console.log('\n');

  const server = new OonServer({ port: Number(process.argv[2] ?? 9090) });
  server.on('error', (err) => console.error(`server error: ${err.message}`));
  const { port } = await server.listen();
  process.send?.({ port }); // tells examples/cars/src/main.ts where to send the client

  const peer = await new Promise<Peer>((resolve) => server.once('connection', resolve));
  console.log(`client with ip ${peer.address}`);
  await peer.send(myTruck);
  await peer.close();
  await server.close();
  console.log('server is off');
}

main().catch((err: unknown) => {
  console.error(`failed: ${String(err)}`);
  process.exitCode = 1;
});
