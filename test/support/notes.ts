/** Reading what the cluster tests stream (tools/cluster-node's `Note`s). */
import type { OonClient } from '@oon/client';
import { Note } from '../../tools/cluster-node/src/classes';

/** The `n` of every Note `client` gets until one numbered -1, each checked to be a revived Note. */
export async function notesUntilMarker(client: OonClient<Note>): Promise<number[]> {
  const got: number[] = [];
  for (;;) {
    const note = await client.receive<Note>({ timeout: 5_000 });
    expect(note).toBeInstanceOf(Note);
    if (note.n === -1) return got;
    got.push(note.n);
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
