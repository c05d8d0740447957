// Sends a Truck to the server on the port given and prints the Receipt it answers with.
import { createRequire } from 'node:module';
import { OonClient } from '@oon/client';
import { OonError } from '@oon/core';
import { loadedCopies, Receipt, Truck, Wheel } from './cars.js';

async function main(): Promise<void> {
  const client = new OonClient({ host: '127.0.0.1', port: Number(process.argv[2]) });
  await client.connect();
  const truck = Object.assign(new Truck(), { name: 'FordTruck', wheels: [new Wheel(22), new Wheel(24)] });
  const receipt = await client.request<Receipt>(truck);
  console.log(`client got ${receipt.text} (instance: ${receipt instanceof Receipt})`);
  await client.close();
  console.log(`copies ${JSON.stringify(loadedCopies(createRequire(process.argv[1] as string).cache))}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof OonError ? `${error.code}: ${error.message}` : error);
  process.exit(1);
});
