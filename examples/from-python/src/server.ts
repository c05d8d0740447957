// examples/from-python/src/server.ts: the seed's main.py, line for line
import type { OonError } from '@oon/core';
import { OonServer } from '@oon/server';
import { FordTruck, VolvoCar } from '@oon/example-cars'; // import cars

async function main(): Promise<void> {
  const myCar = new VolvoCar(35, 4);
  const myTruck = new FordTruck(20, myCar, 1);
  console.log('\n');
  myTruck.showInfo();
  console.log('\n');

  // exitcode = oon.turn_on(modules=[cars], is_server=True)
  const server = new OonServer({ port: Number(process.argv[2] ?? 9090) });
  try {
    await server.listen();
  } catch (err) {
    console.log(`failed to start server! ${(err as OonError).code}`); // StartFail
    process.exit(1);
  }
  console.log(`listening on port ${server.address()?.port}`);

  // client, exitcode = oon.accept_net_connection()
  const client = await server.accept({ timeout: 30_000 });
  console.log(`client with ip ${client.address}`);

  // netmessage, exitcode = oon.generate_net_message(my_truck)
  // exitcode = oon.send_data(netmessage, client)
  await client.send(myTruck);

  await client.close(); // oon.close_client_connection(client)
  await server.close(); // exitcode = oon.turn_off()
  console.log('server is off');
}

main().catch((err: OonError) => {
  console.log(`failed: ${err.code}: ${err.message}`);
  process.exitCode = 1;
});
