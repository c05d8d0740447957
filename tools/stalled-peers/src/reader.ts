/**
 * A client that connects, says so, and reads what the server sends (the test stops it
 * with SIGSTOP to make it a stuck consumer). `node dist/reader.js <port> '<OonClientOptions JSON>'`.
 */
import { OonClient, type OonClientOptions } from '@oon/client';
import { Chunk } from './classes';
import { onCommand, optionsArgument, report } from './report';

const client = new OonClient<Chunk>({ host: '127.0.0.1', port: Number(process.argv[2]), ...optionsArgument<OonClientOptions>(3) });
client.onMessage(Chunk, () => {});
client.on('error', () => {});
onCommand(() => {});
void client.connect().then(() => report({ kind: 'connected' }));
