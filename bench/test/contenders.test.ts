/**
 * Every codec contender's hand-written mapping must keep up with the bench's model: each
 * one round-trips the small and medium graphs through the deep check, as `pnpm bench`
 * does before timing (the large graph is the medium one, 100 times over).
 */
import { benchCodecs, carries } from '../src/codec-bench';
import { CODEC_CONTENDERS } from '../src/codecs';
import { graphOf } from '../src/model';

const NO_TIMING = { rounds: 1, roundMs: 0, warmupMs: 0 };

describe('codec contenders', () => {
  it.each(['small', 'medium'] as const)('each passes the deep check on the %s graph', (size) => {
    const results = benchCodecs(size, NO_TIMING);
    expect(results.map((r) => r.contender.name)).toEqual(CODEC_CONTENDERS.filter((c) => carries(c, size)).map((c) => c.name));
    for (const r of results) expect(r.bytes).toBeGreaterThan(0);
  });

  it('runs the plain-schema peers on the small graph only', () => {
    const names = (size: 'small' | 'medium'): string[] => benchCodecs(size, NO_TIMING).map((r) => r.contender.name);
    expect(names('small')).toEqual(expect.arrayContaining(['avsc (plain)', 'protobufjs (plain)']));
    expect(names('medium')).not.toContain('avsc (plain)');
    expect(names('medium')).not.toContain('protobufjs (plain)');
  });

  it('stops the bench when a contender does not revive what it was given', () => {
    const broken = { name: 'broken', group: 'peer' as const, revives: true, create: () => ({ encode: () => new Uint8Array(1), decode: () => ({}) }) };
    expect(() => benchCodecs('small', NO_TIMING, [broken])).toThrow('broken on the small graph: deep check failed at root');
  });

  it('builds the medium graph with every kind of car, a Date, a Set and a Map', () => {
    const fleet = graphOf('medium') as { cars: object[]; updated: unknown; tags: unknown; inspections: unknown };
    expect(new Set(fleet.cars.map((car) => car.constructor.name))).toEqual(new Set(['Car', 'VolvoCar', 'FordTruck', 'Truc']));
    expect(fleet.updated).toBeInstanceOf(Date);
    expect(fleet.tags).toBeInstanceOf(Set);
    expect(fleet.inspections).toBeInstanceOf(Map);
  });
});
