/**
 * The receiving process: serves one transport on 127.0.0.1, revives and counts what
 * arrives (deep-checking the first message), and tells the parent when a count is reached.
 */
import { deepCheck } from '../deep-check';
import { smallGraph } from '../model';
import { transportNamed } from './contenders';
import type { ToChild, ToParent } from './ipc';

function tell(message: ToParent): void {
  (process.send as (message: ToParent) => boolean)(message);
}

async function main(): Promise<void> {
  const contender = transportNamed(process.argv[2] ?? '');
  const expected = smallGraph();
  let received = 0;
  let target = Infinity;
  const server = await contender.serve((object) => {
    if (received === 0) {
      try {
        deepCheck(expected, object);
      } catch (err) {
        tell({ type: 'error', message: `${contender.name}: ${(err as Error).message}` });
        process.exit(1);
      }
    }
    if (++received === target) tell({ type: 'done', total: received });
  });
  process.on('message', (message: ToChild) => {
    if (message.type === 'expect') {
      target = message.total;
      if (received >= target) tell({ type: 'done', total: received });
    } else {
      void server.close().then(() => process.disconnect());
    }
  });
  tell({ type: 'ready', port: server.port });
}

main().catch((err: unknown) => {
  tell({ type: 'error', message: String((err as Error).stack ?? err) });
  process.exit(1);
});
