/**
 * Safe revival over a real socket, with the JSON codec: nothing a peer sends can reach
 * an object's prototype, assign an undeclared key, or choose a constructor. Each attempt
 * is BadData, the object never reaches a listener, the attacker is told in a Rejected
 * frame (the stream itself was fine, so its connection goes on), and the honest client
 * goes on.
 */
import { encodeFrame, FrameKind } from '@oon/wire';
import { decodeFrames, harness, helloFrame, nextEvent } from '../support/harness';
import { echoScene, roundTrip } from '../support/scene';

/** The last Rejected frame a raw peer received, as its `{id, class, code, message}` report. */
function lastRejection(received: Buffer): Record<string, unknown> | undefined {
  const frame = decodeFrames(received).filter((f) => f.kind === FrameKind.Rejected).at(-1);
  return frame === undefined ? undefined : (JSON.parse(frame.payload.toString('utf8')) as Record<string, unknown>);
}

const h = harness();
afterEach(() => h.closeAll());

/** A message frame around a raw JSON body (the text is sent exactly as written). */
function message(body: string): Uint8Array {
  return encodeFrame(FrameKind.Message, `{"head": {"uuid": "0123456789"}, "body": ${body}}`);
}

const attacks: Array<[name: string, body: string, expected: RegExp]> = [
  ['a __proto__ key', '{"type": "VolvoCar", "__proto__": {"polluted": true}, "speed": 1}', /class VolvoCar has no field `__proto__`/],
  ['a constructor key', '{"type": "VolvoCar", "constructor": {"prototype": {"polluted": true}}}', /class VolvoCar has no field `constructor`/],
  ['a prototype key', '{"type": "VolvoCar", "prototype": {"polluted": true}}', /class VolvoCar has no field `prototype`/],
  ['an undeclared key', '{"type": "VolvoCar", "isAdmin": true}', /class VolvoCar has no field `isAdmin`/],
  ['a __proto__ key in a nested object', '{"type": "Truc", "trailer": {"type": "TrucTrailer", "__proto__": {"polluted": true}}}', /body\.trailer: class TrucTrailer has no field `__proto__`/],
  ['the wire name Object', '{"type": "Object"}', /unknown class `Object`/],
  ['the wire name Function', '{"type": "Function"}', /unknown class `Function`/],
  ['the wire name constructor', '{"type": "constructor"}', /unknown class `constructor`/],
  ['the wire name __proto__', '{"type": "__proto__"}', /unknown class `__proto__`/],
  ['the wire name toString', '{"type": "toString"}', /unknown class `toString`/],
  ['an unregistered wire name', '{"type": "child_process.ChildProcess"}', /unknown class `child_process\.ChildProcess`/],
  ['a nested unregistered wire name', '{"type": "Truc", "trailer": {"type": "Object"}}', /body\.trailer: unknown class `Object`/],
  ['a type that is not a string', '{"type": {"type": "VolvoCar"}}', /object has no "type" naming its class/],
];

it.each(attacks)('%s: BadData, the object never arrives, nothing is polluted, the attacker is told; the honest client goes on', async (_name, body, expected) => {
  const s = await echoScene(h);
  const seen: unknown[] = [];
  s.server.on('message', (object) => seen.push(object));
  const connected = nextEvent(s.server, 'connection');
  const errored = nextEvent(s.server, 'error');
  const raw = await h.rawPeer(s.port);
  await raw.write(helloFrame());
  await connected;

  await raw.write(message(body));

  const [err] = await errored;
  expect(err.code).toBe('BadData');
  expect(err.message).toMatch(expected);
  await roundTrip(s.honest, 0);
  expect(lastRejection(raw.received())?.message).toMatch(expected);
  expect(seen).toHaveLength(1);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect((Object.prototype as Record<string, unknown>)['polluted']).toBeUndefined();

  await roundTrip(s.honest, 1);
  expect(seen).toHaveLength(2);
  expect(s.disconnects).toEqual([]);
  expect(s.honestTroubles).toEqual([]);
});
