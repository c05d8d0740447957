/**
 * A server that takes what clients send and does nothing with it (the test stops it
 * with SIGSTOP to make it a server that does not read). `node dist/sink.js '<OonServerOptions JSON>'`.
 */
import { OonServer, type OonServerOptions } from '@oon/server';
import './classes'; // registered, so the clients' hellos agree on them
import { onCommand, optionsArgument, report } from './report';

const server = new OonServer({ host: '127.0.0.1', port: 0, ...optionsArgument<OonServerOptions>() });
server.on('message', () => {});
server.on('error', () => {});
onCommand(() => {});
void server.listen().then(({ port }) => report({ kind: 'listening', port }));
