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
