/**
 * One fork of the transport half (`forks.ts`): a fresh sender process that runs the
 * transports it is told, with receivers of its own, and sends back what it measured.
 */
import { transportNamed } from './contenders';
import type { ForkOrder, ForkReport } from './forks';
import { sampleTransports } from './transport-bench';

/** Sends the report, then ends: a transport's client may leave a timer behind that would keep the fork alive. */
function report(message: ForkReport): void {
  (process.send as (message: ForkReport, handle: undefined, options: object, done: () => void) => boolean)(message, undefined, {}, () => process.exit(0));
}

process.once('message', (order: ForkOrder) => {
  sampleTransports(order.names.map(transportNamed), order.options).then(
    ({ samples, pinning }) => report({ type: 'samples', samples, pinning }),
    (err: unknown) => report({ type: 'error', message: String((err as Error).stack ?? err) }),
  );
});
