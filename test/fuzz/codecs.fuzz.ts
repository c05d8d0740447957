/**
 * Fuzzes both codecs for FUZZ_SECONDS: random object graphs must round-trip through each
 * codec to equal values (the binary one also in format 2, by class numbers, as two OON
 * peers write it: one class numbered, the other named by definition as if registered
 * after the hello), and random damage to a binary payload of either format (bytes
 * changed, cut, inserted) must end in a value or a `BadData`, never another error or a hang.
 */
import { NetClass, NetField, NetMessage, OonError, Registry, t } from '@oon/core';
import { BinaryCodec, JsonCodec } from '@oon/wire';

const SECONDS = Number(process.env['FUZZ_SECONDS'] ?? 60);
const registry = new Registry();

@NetClass({ registry })
class Leaf {
  @NetField(t.number) n: number | null = null;
  @NetField(t.string) s: string | null = null;
  @NetField(t.optional(t.date)) at?: Date;
  @NetField(t.bigint) big: bigint | null = null;
  @NetField(t.bytes) raw: Uint8Array | null = null;
}

@NetClass({ registry })
class Branch extends Leaf {
  @NetField(() => [Leaf]) kids: Leaf[] = [];
  @NetField(() => t.map(String, Leaf)) named = new Map<string, Leaf>();
  @NetField(() => t.set(t.int)) ints = new Set<number>();
  @NetField(t.json) extra: unknown = null;
}

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function graph(rand: () => number, depth: number): Leaf {
  const pick = (): number => Math.floor(rand() * 1000) - 500;
  const node = depth > 0 && rand() < 0.6 ? new Branch() : new Leaf();
  node.n = rand() < 0.2 ? null : rand() < 0.5 ? pick() : pick() / 7;
  node.s = rand() < 0.2 ? null : String.fromCodePoint(...Array.from({ length: Math.floor(rand() * 12) }, () => 32 + Math.floor(rand() * 2000)));
  if (rand() < 0.5) node.at = new Date(Math.floor(rand() * 4e12));
  node.big = rand() < 0.5 ? null : BigInt(pick()) ** BigInt(Math.floor(rand() * 12));
  node.raw = rand() < 0.5 ? null : Buffer.from(Array.from({ length: Math.floor(rand() * 8) }, () => Math.floor(rand() * 256)));
  if (node instanceof Branch) {
    const count = Math.floor(rand() * 4);
    for (let i = 0; i < count; i++) node.kids.push(graph(rand, depth - 1));
    if (rand() < 0.5) node.named.set(`k${pick()}`, graph(rand, depth - 1));
    for (let i = 0; i < count; i++) node.ints.add(pick());
    node.extra = rand() < 0.5 ? null : { a: [pick(), 'x', true, null] };
  }
  return node;
}

function damage(rand: () => number, bytes: Uint8Array): Uint8Array {
  const out = Buffer.from(bytes);
  switch (Math.floor(rand() * 3)) {
    case 0:
      for (let i = 0; i < 1 + rand() * 3; i++) out[Math.floor(rand() * out.length)] = Math.floor(rand() * 256);
      return out;
    case 1:
      return out.subarray(0, Math.floor(rand() * out.length));
    default: {
      const at = Math.floor(rand() * out.length);
      return Buffer.concat([out.subarray(0, at), Buffer.from([Math.floor(rand() * 256)]), out.subarray(at)]);
    }
  }
}

it(`survives ${SECONDS} s of random graphs and damaged payloads`, () => {
  const binary = new BinaryCodec({ registry });
  const json = new JsonCodec({ registry });
  // Leaf has a number in the writer's hello, Branch does not (registered after it).
  const numbers = { writer: new BinaryCodec({ registry, classNumbers: { own: ['Leaf'], peer: [] } }), reader: new BinaryCodec({ registry, classNumbers: { own: [], peer: ['Leaf'] } }) };
  const deadline = Date.now() + SECONDS * 1000;
  let rounds = 0;
  for (let seed = 1; Date.now() < deadline; seed++, rounds++) {
    const rand = random(seed);
    const object = graph(rand, 4);
    for (const [writer, reader] of [[binary, binary], [json, json], [numbers.writer, numbers.reader]] as const) {
      const uuid = rand() < 0.5 ? undefined : `id-${seed}`;
      const back = reader.decode(writer.encode(new NetMessage(object, uuid === undefined ? {} : { uuid })));
      expect({ seed, back: back.object }).toStrictEqual({ seed, back: object });
      if (uuid !== undefined) expect(back.uuid).toBe(uuid);
    }
    for (const [writer, reader] of [[binary, binary], [numbers.writer, numbers.reader]] as const) {
      const bytes = writer.encode(new NetMessage(object));
      for (let i = 0; i < 10; i++) {
        try {
          reader.decode(damage(rand, bytes));
        } catch (err) {
          if (!(err instanceof OonError) || err.code !== 'BadData') throw new Error(`seed ${seed}: ${String(err)}`);
        }
      }
    }
  }
  console.log(`${rounds} graphs, ${rounds * 20} damaged payloads`);
});
