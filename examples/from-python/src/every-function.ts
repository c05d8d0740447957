// examples/from-python/src/every-function.ts: each function and object of Python oon, in OON
import { NetMessage, OonError, ResultCode } from '@oon/core';
import { JsonCodec } from '@oon/wire';
import { OonServer } from '@oon/server';
import { OonClient } from '@oon/client';
import { FordTruck, VolvoCar } from '@oon/example-cars';

async function main(): Promise<void> {
  // turn_on(is_server=True, ip=..., port=..., queue_size=3); is_running()
  const server = new OonServer({ host: '127.0.0.1', port: 0, backlog: 3 });
  const { port } = await server.listen();
  console.log(`is_running: ${server.listening}`);

  // turn_on(is_server=False, timeout=...); connect_to_srv(); is_connected()
  const client = new OonClient({ host: '127.0.0.1', port, connectTimeout: 5_000 });
  await client.connect();
  console.log(`is_connected: ${client.connected}`);

  // accept_net_connection(client_timeout=...) returns a _NetClient: here a Peer
  const peer = await server.accept({ timeout: 5_000 });
  console.log(`_NetClient: addr ${peer.address}, alive ${peer.connected}, uuid ${peer.id.length} hex chars`);

  // generate_net_message(netobj, fields_to_ignore, uuid) returns a _NetMessage
  const truck = new FordTruck(20, new VolvoCar(35, 4), 1);
  const message = new NetMessage(truck, { ignore: ['wheels'], uuid: '0123456789' });
  const jsonString = new JsonCodec().encode(message); // _NetMessage.json_string
  console.log(`_NetMessage: uuid ${message.uuid}, netobj ${message.object.constructor.name}`);
  console.log(`json_string: ${jsonString}`);

  // load_net_message_from_str(messtr, fields_to_ignore)
  const loaded = new JsonCodec().decode(jsonString, ['speed']);
  const revived = loaded.object as FordTruck;
  console.log(`load_net_message_from_str: ${revived.constructor.name}, speed ${revived.speed} (ignored: the default)`);

  // send_data(netmessage, client) on the server; receive_data() on the client
  await peer.send(truck, { ignore: ['wheels'] });
  const received = await client.receive({ timeout: 5_000 });
  console.log(`receive_data: ${received.constructor.name}, instanceof FordTruck ${received instanceof FordTruck}`);

  // send_data(netmessage) on the client; receive_data(client=...) on the server
  await client.send(new VolvoCar(35, 4));
  const car = await peer.receive<VolvoCar>({ timeout: 5_000 });
  console.log(`receive_data(client): ${car.constructor.name}, wheels ${car.wheels}`);

  // ExCode: every failure is an OonError; code names the ExCode, resultCode is its number
  try {
    await peer.close(); // close_client_connection(client)
    await peer.send(truck);
  } catch (err) {
    if (err instanceof OonError) console.log(`ExCode: ${err.code} = ${err.resultCode}, Success = ${ResultCode.Success}`);
  }

  await client.close(); // disconnect_from_srv()
  console.log(`is_connected: ${client.connected}`);
  await server.close(); // turn_off()
  console.log(`is_running: ${server.listening}`);
}

main().catch((err: unknown) => {
  console.log(`failed: ${String(err)}`);
  process.exitCode = 1;
});
