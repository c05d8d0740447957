// examples/from-python/src/client.ts: the seed's client.py, line for line
import type { OonError } from '@oon/core';
import { OonClient } from '@oon/client';
import { FordTruck } from '@oon/example-cars'; // import cars

async function main(): Promise<void> {
  // exitcode = oon.turn_on(modules=[cars], is_server=False)
  const client = new OonClient({ port: Number(process.argv[2] ?? 9090) });

  await client.connect(); // exitcode = oon.connect_to_srv()

  // netmessage, exitcode = oon.receive_data(bytes=1024); car = netmessage.netobj
  const car = await client.receive({ timeout: 30_000 });
  console.log('\n');
  if (car instanceof FordTruck) car.showInfo(); // a real FordTruck, methods and all
  console.log('\n');

  await client.close(); // oon.disconnect_from_srv(); oon.turn_off()
}

main().catch((err: OonError) => {
  console.log(`failed to connect to srv! ${err.code}: ${err.message}`); // BadConn, Timeout
  process.exitCode = 1;
});
