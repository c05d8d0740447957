/**
 * A client that sends a chunk every few milliseconds and drops every `send()` promise
 * (a feed that does not wait for anyone), until the test stops the server with
 * SIGSTOP: the client must drop the link as a slow consumer, keep its memory bounded,
 * and not be ended by an unhandled rejection. Once told the server is stopped, it also
 * awaits one send, which must settle. `node dist/feeder.js <port> '<OonClientOptions JSON>'`.
 */
import { OonClient, type OonClientOptions } from '@oon/client';
import { Chunk, Got } from './classes';
import { errorReport, onCommand, optionsArgument, report, reportSettled, type Command } from './report';

const client = new OonClient({ host: '127.0.0.1', port: Number(process.argv[2]), ...optionsArgument<OonClientOptions>(3) });
client.on('error', (err) => report({ kind: 'error', error: errorReport(err) }));
client.on('disconnect', (reason) => report({ kind: 'disconnect', reason }));
client.on('loss', (count) => report({ kind: 'loss', count }));

function feed({ bytes, intervalMs, durationMs }: Extract<Command, { kind: 'feed' }>): void {
  const body = 'x'.repeat(bytes);
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  let n = 0;
  const timer = setInterval(() => {
    void client.send(new Chunk(n++, body));
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, intervalMs);
  setTimeout(() => {
    clearInterval(timer);
    report({ kind: 'done', rssBefore, rssPeak, status: client.status });
  }, durationMs);
}

onCommand((command) => {
  if (command.kind === 'feed') feed(command);
  else if (command.kind === 'stopped') reportSettled('send to the stopped server', client.send(new Got(-1)));
});
void client.connect().then(() => report({ kind: 'connected' }));
