import { RequestWindow } from '../src/rpc/request-window';

/** Every request the window lets go now, in order. */
function drain(window: RequestWindow<string>): string[] {
  const out: string[] = [];
  for (let next = window.next(); next !== undefined; next = window.next()) out.push(next[1]);
  return out;
}

describe('RequestWindow', () => {
  it('lets every request go while the peer announced no bound, and keeps no id of them', () => {
    const window = new RequestWindow<string>();
    for (let id = 1; id <= 1000; id++) expect(window.admit(id, `r${id}`)).toBe(true);
    // A peer that never answers must not leave an id here per request.
    expect(window.inFlight).toBe(0);
    expect(window.queued).toBe(0);
  });

  it('queues past the bound and lets the queue go first in, first out, one per answered request', () => {
    const window = new RequestWindow<string>();
    window.setLimit(2);
    expect([1, 2, 3, 4, 5].map((id) => window.admit(id, `r${id}`))).toEqual([true, true, false, false, false]);
    expect(drain(window)).toEqual([]);
    expect(window.release(2)).toBe(true);
    expect(drain(window)).toEqual(['r3']);
    expect(window.release(1)).toBe(true);
    expect(window.release(3)).toBe(true);
    expect(drain(window)).toEqual(['r4', 'r5']);
    expect(window.inFlight).toBe(2);
  });

  it('does not let a new request pass those already queued, even when a slot is free', () => {
    const window = new RequestWindow<string>();
    window.setLimit(1);
    window.admit(1, 'r1');
    window.admit(2, 'r2');
    window.release(1);
    expect(window.admit(3, 'r3')).toBe(false);
    expect(drain(window)).toEqual(['r2']);
  });

  it('drops a forgotten queued request; one already written keeps its slot until answered', () => {
    const window = new RequestWindow<string>();
    window.setLimit(1);
    window.admit(1, 'r1');
    window.admit(2, 'r2');
    window.admit(3, 'r3');
    window.forget(2);
    window.forget(1); // the caller stopped waiting, but the peer still runs its handler
    expect(window.has(1)).toBe(true);
    expect(window.isQueued(1)).toBe(false);
    expect(window.has(2)).toBe(false);
    expect(window.isQueued(3)).toBe(true);
    expect(drain(window)).toEqual([]);
    window.release(1);
    expect(drain(window)).toEqual(['r3']);
  });

  it('frees nothing for an id it never wrote', () => {
    const window = new RequestWindow<string>();
    window.setLimit(1);
    window.admit(1, 'r1');
    window.admit(2, 'r2');
    expect(window.release(2)).toBe(false);
    expect(window.release(99)).toBe(false);
    expect(drain(window)).toEqual([]);
  });

  it('forgets everything on clear()', () => {
    const window = new RequestWindow<string>();
    window.setLimit(1);
    window.admit(1, 'r1');
    window.admit(2, 'r2');
    window.clear();
    expect([window.inFlight, window.queued, window.has(1), window.has(2)]).toEqual([0, 0, false, false]);
  });
});
