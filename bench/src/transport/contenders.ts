/** Every transport contender, in table order, by name (the child process looks them up by name). */
import { oonBinaryNoSessionTransport, oonBinaryTransport, oonBinaryWebSocketTransport, oonJsonTransport } from './oon';
import { rawNetTransport } from './raw-net';
import { socketIoTransport } from './socket-io';
import type { TransportContender } from './transport';
import { wsTransport } from './ws';

export const TRANSPORT_CONTENDERS: readonly TransportContender[] = [oonBinaryTransport, oonBinaryNoSessionTransport, oonJsonTransport, oonBinaryWebSocketTransport, rawNetTransport, wsTransport, socketIoTransport];

/** The contender of a name; throws a TypeError naming the known ones. */
export function transportNamed(name: string): TransportContender {
  const found = TRANSPORT_CONTENDERS.find((c) => c.name === name);
  if (found === undefined) throw new TypeError(`no transport named ${name}; known: ${TRANSPORT_CONTENDERS.map((c) => c.name).join(', ')}`);
  return found;
}
