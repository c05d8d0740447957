/** What every codec contender provides: a round trip from instances to bytes and back. */

/** The root class of a graph: the small graph is a FordTruck, the others a Fleet. */
export type Root = 'truck' | 'fleet';

/** Instances to bytes, and bytes back to instances, for one root class. */
export interface RoundTrip {
  encode(object: object): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

/** One line of the codec table. */
export interface CodecContender {
  readonly name: string;
  /** `oon`: ours; `floor`: no revival, a lower bound on cost; `peer`: what a user would pick instead. */
  readonly group: 'oon' | 'floor' | 'peer';
  /** True when the output must pass the deep check with classes; floors only keep values. */
  readonly revives: boolean;
  /** What the deep check compares a floor's output with: the graph as its format keeps it. */
  project?(graph: object): unknown;
  /** The roots it can carry, when not all: a plain schema without nulls carries the small graph only. */
  readonly roots?: readonly Root[];
  create(root: Root): RoundTrip;
}
