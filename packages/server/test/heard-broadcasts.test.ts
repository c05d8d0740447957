import { SharedMessage } from '@oon/wire/internal';
import type { PeerSelection } from '../src/adapter';
import { HeardBroadcasts } from '../src/heard-broadcasts';

class Note {
  constructor(readonly n: number) {}
}

const aim = (room: string): PeerSelection => ({ rooms: [room], exceptRooms: [], exceptPeers: [] });
const note = (n: number): SharedMessage => new SharedMessage(new Note(n));
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Who is in which room, and what each peer was handed, in order. */
function node(): { members: Map<string, Set<string>>; got: Map<string, number[]>; selections: number; heard: HeardBroadcasts<string> } {
  const members = new Map<string, Set<string>>();
  const got = new Map<string, number[]>();
  const state = {
    members,
    got,
    selections: 0,
    heard: new HeardBroadcasts<string>((peers, shared) => {
      for (const peer of peers) for (const one of shared) got.set(peer, [...(got.get(peer) ?? []), (one.message.object as Note).n]);
    }),
  };
  return state;
}

describe('HeardBroadcasts', () => {
  it('hands out the broadcasts of one run once it ends, peer by peer, in order, selecting the peers once for those aimed alike', async () => {
    const n = node();
    n.members.set('a', new Set(['p1', 'p2']));
    n.members.set('b', new Set(['p2']));
    const select = (selection: PeerSelection): ReadonlySet<string> => {
      n.selections += 1;
      return n.members.get(selection.rooms[0] as string) ?? new Set();
    };
    for (const [room, k] of [['a', 1], ['a', 2], ['b', 3], ['a', 4]] as const) n.heard.hear(aim(room), select, () => note(k));
    expect(n.got.size).toBe(0); // not before the run ends
    await nextTurn();
    expect(Object.fromEntries(n.got)).toEqual({ p1: [1, 2, 4], p2: [1, 2, 3, 4] });
    expect(n.selections).toBe(3);
  });

  it('does not decode a broadcast that reaches no peer here', async () => {
    const n = node();
    let decoded = 0;
    n.heard.hear(aim('empty'), () => new Set(), () => {
      decoded += 1;
      return note(1);
    });
    await nextTurn();
    expect(decoded).toBe(0);
    expect(n.got.size).toBe(0);
  });

  it('flush() hands out what was heard at once, and the next broadcast is aimed anew: a peer that joined in between gets it', async () => {
    const n = node();
    const room = new Set(['p1']);
    const select = (): ReadonlySet<string> => new Set(room);
    n.heard.hear(aim('a'), select, () => note(1));
    n.heard.flush(); // what a server message's handler would see first
    expect(Object.fromEntries(n.got)).toEqual({ p1: [1] });
    room.add('p2'); // the handler joins p2
    n.heard.hear(aim('a'), select, () => note(2));
    await nextTurn();
    expect(Object.fromEntries(n.got)).toEqual({ p1: [1, 2], p2: [2] });
  });

  it('keeps nothing of a broadcast whose object does not decode, and throws its error to the caller', async () => {
    const n = node();
    const select = (): ReadonlySet<string> => new Set(['p1']);
    expect(() =>
      n.heard.hear(aim('a'), select, () => {
        throw new Error('bad bytes');
      }),
    ).toThrow('bad bytes');
    n.heard.hear(aim('a'), select, () => note(2));
    await nextTurn();
    expect(Object.fromEntries(n.got)).toEqual({ p1: [2] });
  });
});
