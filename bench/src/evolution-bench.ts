/**
 * What reading a peer's other version of a class costs (docs/evolution.md): the same
 * batch of objects round-tripped by the binary codec between two sides that declare the
 * class alike, and between a writer and a reader whose classes differ (the reader has 2
 * fields more, the writer 1 field the reader lacks), each side's codec made as a
 * connection makes it, with the other's schema.
 */
import { NetClass, NetField, NetMessage, Registry, t } from '@oon/core';
import { BinaryCodec, describeRegistry } from '@oon/wire';
import { measure, type MeasureOptions } from './measure';

/** One case: round trips per second and the spread of its rounds. */
export interface EvolutionResult {
  readonly name: string;
  readonly opsPerSec: number;
  readonly spread: number;
}

/** Objects in a batch: a medium message, as the codec bench's medium graph. */
const BATCH = 100;

/** The class as both sides of the same-schema case, and the writer of the resolved case, declare it. */
function writerModel(registry: Registry) {
  @NetClass({ registry, name: 'bench.Sample' })
  class Sample {
    @NetField(t.int) id: number = 0;
    @NetField() name: string = '';
    @NetField() speed: number = 0;
    @NetField() active: boolean = false;
    @NetField(() => [String]) tags: string[] = [];
    @NetField() legacy: string = '';
  }
  @NetClass({ registry, name: 'bench.Batch' })
  class Batch {
    @NetField(() => [Sample]) samples: Sample[] = [];
  }
  return { Sample, Batch };
}

/** The reader of the resolved case: `legacy` gone, `colour` and `rating` added. */
function readerModel(registry: Registry): void {
  @NetClass({ registry, name: 'bench.Sample' })
  class Sample {
    @NetField(t.int) id: number = 0;
    @NetField() name: string = '';
    @NetField() speed: number = 0;
    @NetField() active: boolean = false;
    @NetField(() => [String]) tags: string[] = [];
    @NetField() colour: string = 'red';
    @NetField() rating: number = 0;
  }
  @NetClass({ registry, name: 'bench.Batch' })
  class Batch {
    @NetField(() => [Sample]) samples: Sample[] = [];
  }
  void Batch;
}

/** Times the same-schema and the resolved round trip in interleaved rounds. */
export function benchEvolution(options: MeasureOptions): EvolutionResult[] {
  const writer = new Registry();
  const { Sample, Batch } = writerModel(writer);
  const same = new Registry();
  writerModel(same);
  const reader = new Registry();
  readerModel(reader);

  const batch = Object.assign(new Batch(), {
    samples: Array.from({ length: BATCH }, (_, i) =>
      Object.assign(new Sample(), { id: i, name: `sample ${i}`, speed: i * 1.5, active: i % 2 === 0, tags: ['a', 'b'], legacy: 'old' }),
    ),
  });
  const trip = (from: Registry, to: Registry) => {
    // A connection passes the peer's schema only when it differs; alike, the codecs are the plain ones.
    const differ = describeRegistry(from).hash !== describeRegistry(to).hash;
    const encoder = new BinaryCodec({ registry: from, ...(differ ? { peerSchema: describeRegistry(to) } : {}) });
    const decoder = new BinaryCodec({ registry: to, ...(differ ? { peerSchema: describeRegistry(from) } : {}) });
    return () => decoder.decode(encoder.encode(new NetMessage(batch))).object;
  };
  const sameTrip = trip(writer, same);
  const resolvedTrip = trip(writer, reader);
  checkResolved(resolvedTrip(), reader);
  const measured = measure(
    [
      { name: 'same schema', run: sameTrip },
      { name: 'resolved (reader +2 fields, writer +1 the reader lacks)', run: resolvedTrip },
    ],
    options,
  );
  return measured.map((m) => ({ name: m.name, opsPerSec: m.opsPerSec, spread: m.spread }));
}

/** The resolved trip must revive the reader's class with its defaults, or its figure means nothing. */
function checkResolved(value: unknown, reader: Registry): void {
  const ReaderSample = reader.classByName('bench.Sample') as new () => object;
  const samples = (value as { samples: Array<Record<string, unknown>> }).samples;
  const first = samples[1];
  if (samples.length !== BATCH || !(first instanceof ReaderSample) || first['colour'] !== 'red' || first['name'] !== 'sample 1' || 'legacy' in first) {
    throw new Error(`the resolved round trip did not revive the reader's class: ${JSON.stringify(first)}`);
  }
}

/** The two cases as a Markdown table, and the resolved case's cost against the same-schema one. */
export function evolutionTable(results: readonly EvolutionResult[]): string {
  const [same, resolved] = results;
  const rows = results.map((r) => `| ${r.name} | ${Math.round(r.opsPerSec).toLocaleString('en-US')} | ±${(r.spread * 50).toFixed(1)}% |`);
  const ratio = same !== undefined && resolved !== undefined ? resolved.opsPerSec / same.opsPerSec : Number.NaN;
  return [
    `| binary codec, ${BATCH} objects a message | round trips/s | spread |`,
    '| --- | ---: | ---: |',
    ...rows,
    '',
    `Resolved / same schema: ${ratio.toFixed(2)} (target: at least 0.85, within 15%): ${ratio >= 0.85 ? 'met' : 'NOT met'}`,
  ].join('\n');
}
