/**
 * The codec half of the bench: every contender round-trips the same graphs (instances
 * to bytes to instances), passes the deep check once, then is timed.
 */
import { CODEC_CONTENDERS, type CodecContender, type Root } from './codecs';
import { deepCheck } from './deep-check';
import { measure, type MeasureOptions } from './measure';
import { graphOf, type GraphSize } from './model';

/** One contender on one graph. */
export interface CodecResult {
  readonly size: GraphSize;
  readonly contender: CodecContender;
  /** Bytes of the encoded graph. */
  readonly bytes: number;
  /** Round trips per second. */
  readonly opsPerSec: number;
  readonly spread: number;
}

/** The root class of the graph of `size`. */
export function rootOf(size: GraphSize): Root {
  return size === 'small' ? 'truck' : 'fleet';
}

/** Whether `contender` can carry the graph of `size`. */
export function carries(contender: CodecContender, size: GraphSize): boolean {
  return contender.roots?.includes(rootOf(size)) ?? true;
}

/** Checks, then times, every contender that carries the graph of `size`. Throws if any output fails the check. */
export function benchCodecs(size: GraphSize, options: MeasureOptions, contenders: readonly CodecContender[] = CODEC_CONTENDERS): CodecResult[] {
  const pristine = graphOf(size);
  const root = rootOf(size);
  const prepared = contenders.filter((contender) => carries(contender, size)).map((contender) => {
    // Each contender gets its own copy: class-transformer writes onto what it encodes.
    const graph = graphOf(size);
    const trip = contender.create(root);
    const bytes = trip.encode(graph);
    const back = trip.decode(bytes);
    try {
      if (contender.revives) deepCheck(pristine, back);
      else deepCheck(contender.project?.(pristine) ?? pristine, back, { classes: false });
    } catch (err) {
      throw new Error(`${contender.name} on the ${size} graph: ${(err as Error).message}`, { cause: err });
    }
    return { contender, bytes: bytes.length, task: { name: contender.name, run: () => trip.decode(trip.encode(graph)) } };
  });
  const measured = measure(
    prepared.map((p) => p.task),
    options,
  );
  return prepared.map((p, i) => ({ size, contender: p.contender, bytes: p.bytes, opsPerSec: (measured[i] as { opsPerSec: number }).opsPerSec, spread: (measured[i] as { spread: number }).spread }));
}
