/** Reading what the cluster tests stream (tools/cluster-node's `Note`s). */
import type { OonClient } from '@oon/client';
import { Note } from '../../tools/cluster-node/src/classes';

/**
 * The `n` of every Note `client` gets until `markers` numbered -1 came, each checked to be
 * a revived Note. One node's broadcasts reach a peer in order, but not two nodes'
 * (a node's own reach its peers before another's that come through Redis): after notes
 * from several nodes, each of them sends a marker.
 */
export async function notesUntilMarker(client: OonClient<Note>, markers = 1): Promise<number[]> {
  const got: number[] = [];
  for (let seen = 0; ; ) {
    const note = await client.receive<Note>({ timeout: 5_000 });
    expect(note).toBeInstanceOf(Note);
    if (note.n !== -1) got.push(note.n);
    else if (++seen === markers) return got;
  }
}

/** Counts of each value in `values`. */
export function tally(values: number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** The values of 1..count missing from `values`, and those that came more than once. */
export function lostAndTwice(values: number[], count: number): { lost: number[]; twice: number[] } {
  const counts = tally(values);
  const lost = Array.from({ length: count }, (_, i) => i + 1).filter((n) => !counts.has(n));
  return { lost, twice: [...counts].filter(([, c]) => c > 1).map(([n]) => n) };
}
