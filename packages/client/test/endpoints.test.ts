/** The `endpoints` option: several servers to dial in turn, checked at once like `host`/`port`/`path`/`url`. */
import { resolveClientOptions } from '@oon/client';

describe('resolveClientOptions() endpoints', () => {
  it('lists the one address given, or each of `endpoints` with its defaults; host and port are the first', () => {
    expect(resolveClientOptions({ host: 'a', port: 1 }).endpoints).toEqual([{ host: 'a', port: 1, path: undefined, url: undefined }]);
    const resolved = resolveClientOptions({ endpoints: [{ port: 2 }, { host: 'b', port: 3 }, { path: '/tmp/s' }, { url: 'ws://c:4/oon' }] });
    expect(resolved.endpoints).toEqual([
      { host: '127.0.0.1', port: 2, path: undefined, url: undefined },
      { host: 'b', port: 3, path: undefined, url: undefined },
      { host: '127.0.0.1', port: 9090, path: '/tmp/s', url: undefined },
      { host: '127.0.0.1', port: 9090, path: undefined, url: 'ws://c:4/oon' },
    ]);
    expect(resolved).toMatchObject({ host: '127.0.0.1', port: 2 });
  });

  it('refuses an empty list, a list beside host/port/path/url, and a bad entry, synchronously', () => {
    expect(() => resolveClientOptions({ endpoints: [] })).toThrow(new TypeError('endpoints must be a non-empty array of { host, port }, { path } or { url }'));
    expect(() => resolveClientOptions({ port: 1, endpoints: [{ port: 2 }] })).toThrow(new TypeError('pass either `endpoints` or `host`/`port`/`path`/`url`, not both'));
    expect(() => resolveClientOptions({ endpoints: [{ port: 2 }, { port: 70_000 }] })).toThrow(new RangeError('port must be an integer from 1 to 65535, got 70000'));
    expect(() => resolveClientOptions({ endpoints: [{ path: '/s', port: 1 }] })).toThrow(TypeError);
    expect(() => resolveClientOptions({ endpoints: [{ url: 'http://x' }] })).toThrow(TypeError);
  });
});
