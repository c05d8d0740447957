// Serves one request: a Truck in, a Receipt out. Prints the port it listens on, then what it got.
import { createRequire } from 'node:module';
import { OonServer, type Peer, type RequestHandler } from '@oon/server';
import { loadedCopies, Receipt, Truck, Wheel } from './cars.js';

async function main(): Promise<void> {
  const server = new OonServer({ host: '127.0.0.1', port: 0 });
  let done: () => void = () => {};
  const served = new Promise<void>((resolve) => (done = resolve));
  // Typed with what @oon/server exports: a project needs no direct @oon/wire dependency.
  const answer: RequestHandler<Truck, Peer> = (truck) => {
    const real = truck instanceof Truck && truck.wheels.every((w) => w instanceof Wheel);
    console.log(`server got ${truck.describe()} (instances: ${real})`);
    done();
    return Object.assign(new Receipt(), { text: `received ${truck.name}` });
  };
  server.handle(Truck, answer);
  const { port } = await server.listen();
  console.log(`port ${port}`);
  await served;
  await new Promise((resolve) => setTimeout(resolve, 50)); // the reply leaves before close
  await server.close();
  console.log(`copies ${JSON.stringify(loadedCopies(createRequire(process.argv[1] as string).cache))}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
