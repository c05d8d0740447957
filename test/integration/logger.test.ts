/**
 * The `logger` option: what an endpoint does on its own (refusals, drops, reconnects)
 * reaches the logger it was given, at the level its docs name, and nothing is printed
 * anywhere when none is given.
 */
import { encodeFrame, FrameKind, type Logger } from '@oon/wire';
import { OonServer } from '@oon/server';
import { OonClient } from '@oon/client';
import { cutProxy, type CutProxy } from '../support/cut-proxy';
import { harness, helloFrame, nextEvent, within } from '../support/harness';
import { waitUntil } from '../support/wait-until';

const h = harness();
const proxies: CutProxy[] = [];
afterEach(async () => {
  await h.closeAll();
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

type Level = keyof Logger;

/** One call the endpoint made on its logger. */
interface Entry {
  level: Level;
  message: string;
  fields: unknown;
}

/** A logger that keeps every call, as pino or Nest would receive them. */
function recordingLogger(): Logger & { entries: Entry[]; at(level: Level, pattern: RegExp): Entry[] } {
  const entries: Entry[] = [];
  const keep =
    (level: Level) =>
    (message: string, ...meta: unknown[]): void => {
      entries.push({ level, message, fields: meta[0] });
    };
  return {
    entries,
    debug: keep('debug'),
    info: keep('info'),
    warn: keep('warn'),
    error: keep('error'),
    at: (level, pattern) => entries.filter((e) => e.level === level && pattern.test(e.message)),
  };
}

const FAST = { initialDelay: 10, maxDelay: 100 };

/** Waits until `logger` holds an entry at `level` matching `pattern`; returns it. */
async function logged(logger: ReturnType<typeof recordingLogger>, level: Level, pattern: RegExp): Promise<Entry> {
  await waitUntil(() => logger.at(level, pattern).length > 0, 2_000, () => `a ${level} entry matching ${String(pattern)}; got ${JSON.stringify(logger.entries, null, 1)}`);
  return logger.at(level, pattern)[0] as Entry;
}

describe('logger option', () => {
  it('a refused token is a warn on the server naming the client address', async () => {
    const logger = recordingLogger();
    const { port } = await h.listeningServer({ auth: (token) => token === 'sesame', logger });
    const client = h.client(port, { token: 'guess', reconnect: false });

    await expect(client.connect()).rejects.toMatchObject({ code: 'BadConn' });

    const entry = await logged(logger, 'warn', /authentication failed/);
    expect(entry.message).toMatch(/^client 127\.0\.0\.1:\d+ failed the handshake: authentication failed: the token was refused/);
    expect(entry.fields).toMatchObject({ event: 'error', code: 'BadConn' });
    expect(logger.at('error', /./)).toEqual([]);
  });

  it('a dropped link, the redials and the resume are info on the client; open and close are debug', async () => {
    const { port } = await h.listeningServer();
    const proxy = await cutProxy(port);
    proxies.push(proxy);
    const logger = recordingLogger();
    const client = await h.connectedClient(proxy.port, { reconnect: FAST, logger });
    expect(logger.at('debug', new RegExp(`^connected to 127\\.0\\.0\\.1:${proxy.port}$`))).toHaveLength(1);
    const back = nextEvent(client, 'reconnect', 5_000);

    proxy.cutNow();
    await back;

    const where = `127\\.0\\.0\\.1:${proxy.port}`;
    expect(logger.at('info', new RegExp(`^link to ${where} closed \\((remote close|connection error)[^)]*\\); reconnecting$`))).toHaveLength(1);
    expect(logger.at('info', new RegExp(`^reconnecting to ${where}: attempt 1 in \\d+ ms$`))).toHaveLength(1);
    const resumed = await logged(logger, 'info', new RegExp(`^reconnected to ${where} after \\d+ attempts; resumed the session`));
    expect(resumed.fields).toMatchObject({ event: 'reconnect', resumed: true });
    expect(logger.entries.filter((e) => e.level === 'warn' || e.level === 'error')).toEqual([]);

    await client.close();
    expect(logger.at('debug', new RegExp(`^link to ${where} closed \\(local close\\); the client is closed$`))).toHaveLength(1);
  });

  it('a peer sending bad data is a warn on the server naming it, then its close is info', async () => {
    const logger = recordingLogger();
    const { server, port } = await h.listeningServer({ logger });
    const connection = nextEvent(server, 'connection');
    const gone = nextEvent(server, 'disconnect');
    const raw = await h.rawPeer(port);
    await raw.write(helloFrame());
    await connection;

    await raw.write(encodeFrame(42 as FrameKind, 'x'));
    await within(1_000, raw.closed, 'the peer being dropped');
    await gone;

    const warned = logger.at('warn', /frame of kind 42/);
    expect(warned).toHaveLength(1);
    expect(warned[0]?.fields).toMatchObject({ event: 'error', code: 'BadData', peer: expect.stringMatching(/^127\.0\.0\.1:\d+$/) as unknown });
    expect(warned[0]?.message).toMatch(/^client 127\.0\.0\.1:\d+: peer sent a frame of kind 42/);
    expect(logger.at('info', /^link to 127\.0\.0\.1:\d+ closed \(bad data: .*frame of kind 42.*\); the client is gone$/)).toHaveLength(1);
    expect(logger.at('debug', /^client 127\.0\.0\.1:\d+ connected$/)).toHaveLength(1);
  });

  it('a logger lacking a method is a TypeError naming what it lacks', () => {
    const nestLike = { log: () => {}, debug: () => {}, warn: () => {}, error: () => {} };
    expect(() => new OonServer({ logger: nestLike as unknown as Logger })).toThrow(new TypeError('logger must have debug, info, warn and error methods; it lacks info'));
    expect(() => new OonClient({ logger: null as unknown as Logger })).toThrow(TypeError);
  });

  it('prints nothing to the console, with or without a logger; what happens goes to the logger given', async () => {
    const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
    const spies = methods.map((m) => jest.spyOn(console, m).mockImplementation(() => {}));
    const stdout = jest.spyOn(process.stdout, 'write');
    const stderr = jest.spyOn(process.stderr, 'write');
    try {
      const logger = recordingLogger();
      for (const given of [undefined, logger]) {
        const { port } = await h.listeningServer({ auth: (token) => token === 'sesame', ...(given === undefined ? {} : { logger: given }) });
        const refused = h.client(port, { token: 'guess', reconnect: false });
        await expect(refused.connect()).rejects.toMatchObject({ code: 'BadConn' });
        const client = await h.connectedClient(port, { token: 'sesame', ...(given === undefined ? {} : { logger: given }) });
        await client.close();
        await h.closeAll();
      }
      expect(logger.at('warn', /authentication failed/)).toHaveLength(1);
      expect(logger.at('debug', /connected/).length).toBeGreaterThanOrEqual(2);
      for (const spy of [...spies, stdout, stderr]) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of [...spies, stdout, stderr]) spy.mockRestore();
    }
  });
});
