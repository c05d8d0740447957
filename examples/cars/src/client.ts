/** The seed's `client.py`: connects, receives one object, shows it, disconnects. */
import { OonClient } from '@oon/client';
import { FordTruck } from './cars';

async function main(): Promise<void> {
  const client = new OonClient<FordTruck>({ port: Number(process.argv[2] ?? 9090) });
  client.on('error', (err) => console.error(`client error: ${err.message}`));
  const received = new Promise<FordTruck>((resolve) => client.once('message', resolve));
  await client.connect();
  const truck = await received;
  if (!(truck instanceof FordTruck)) throw new Error('expected a FordTruck');
  console.log('\n');
  truck.showInfo(); // a real FordTruck: its methods work
  console.log('\n');
  await client.close();
}

main().catch((err: unknown) => {
  console.error(`failed: ${String(err)}`);
  process.exitCode = 1;
});
