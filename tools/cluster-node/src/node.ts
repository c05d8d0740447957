/**
 * One node of a cluster for the tests: an OonServer with the Redis adapter, on a free
 * port. It prints `{"port":N,"node":"…"}` once listening (or `{"startError":…}`), then one
 * JSON line per event (`serverMessage`, `nodeDown`, `error`, `joined`, `got` for a
 * client's `Note`, `connection`, `takeover` when a session of another node is resumed
 * here, `directSent` as `streamDirect` goes), and answers each JSON command read on stdin with a line `{"re":<id>,…}`.
 *
 * Usage: node dist/node.js <redis url> [heartbeatInterval] [heartbeatTimeout] [requestTimeout] [resumeWindow] [port] [maxLogEntries]
 */
import { createInterface } from 'node:readline';
import { OonError } from '@oon/core';
import { redisAdapter } from '@oon/redis';
import { OonServer, Peer, type PeerRef } from '@oon/server';
import { syncStdout } from '@oon/sync-stdout';
import { Join, Note } from './classes';

// Tests SIGKILL this process and count the lines it printed.
syncStdout();

interface Command {
  readonly id: number;
  readonly cmd: 'send' | 'broadcast' | 'count' | 'peers' | 'emit' | 'close' | 'stream' | 'remember' | 'sendTo' | 'streamDirect' | 'streamTo';
  readonly rooms?: string[];
  /** The peer `remember` finds (by the name it joined under) and `sendTo` sends to. */
  readonly name?: string;
  readonly except?: string[];
  readonly n?: number;
  /** `stream`, `streamDirect`, `streamTo`: how many notes, numbered from 1 (`stream`'s carry their send time (ms) as `from`). */
  readonly count?: number;
  /** `stream`, `streamDirect`, `streamTo`: milliseconds between notes. */
  readonly every?: number;
  /** Peers left out, by the name `remember` found them under. */
  readonly exceptPeers?: string[];
}

const [url = 'redis://127.0.0.1:6379', interval = '100', timeout = '500', request = '2000', resumeWindow = '120000', port = '0', maxLogEntries = '10000'] = process.argv.slice(2);
const print = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
const server = new OonServer<Join | Note, { name?: string }>({
  port: Number(port),
  resumeWindow: Number(resumeWindow),
  logger: {
    debug: () => {},
    info: (message, ...meta) => {
      const fields = meta[0] as Record<string, unknown> | undefined;
      if (fields?.['event'] === 'takeover') print({ event: 'takeover', message, replayed: fields['replayed'], direct: fields['direct'] });
    },
    warn: () => {},
    error: () => {},
  },
  adapter: redisAdapter({ url, heartbeatInterval: Number(interval), heartbeatTimeout: Number(timeout), requestTimeout: Number(request), connectTimeout: 1_000, maxLogEntries: Number(maxLogEntries) }),
});
const describe = (err: unknown): object => (err instanceof OonError ? { code: err.code, message: err.message } : { message: String(err) });

server.onMessage(Join, (join, peer) => {
  peer.data.name = join.name;
  peer.join(join.room);
  print({ event: 'joined', room: join.room, name: join.name, peer: peer.id });
});
// A client's Note: `from` names the client (its sessions may move between nodes, its peer.data does not).
server.onMessage(Note, (note) => print({ event: 'got', from: note.from, n: note.n }));
server.on('connection', (peer) => print({ event: 'connection', peer: peer.id, rooms: [...peer.rooms] }));
server.on('disconnect', (peer, reason) => print({ event: 'disconnect', peer: peer.id, reason }));
server.on('loss', (lost, peer) => print({ event: 'loss', peer: peer.id, lost }));
server.onServerMessage(Note, (note, node) => print({ event: 'serverMessage', n: note.n, from: note.from, node, instance: note instanceof Note }));
server.on('nodeDown', (node) => print({ event: 'nodeDown', node }));
server.on('error', (err) => print({ event: 'error', ...describe(err) }));

/** Peers found by `remember`, by name: `sendTo` sends to them as found then, though they may be gone since, and `exceptPeers` leaves them out. */
const remembered = new Map<string, PeerRef<{ name?: string }>>();

async function run(command: Command): Promise<object> {
  const left = (command.exceptPeers ?? []).flatMap((name) => remembered.get(name) ?? []);
  const aimed = server.to(command.rooms ?? []).except([...(command.except ?? []), ...left]);
  switch (command.cmd) {
    case 'send':
    case 'broadcast': {
      const note = new Note(command.n ?? 0, server.node);
      const result = command.cmd === 'send' ? await aimed.send(note) : await server.broadcast(note);
      return { delivered: result.delivered, failed: result.failed, cluster: result.cluster === undefined ? null : describe(result.cluster) };
    }
    case 'count':
      return { count: await aimed.count() };
    case 'peers':
      return { peers: (await aimed.peers()).map((p) => ({ id: p.id, node: 'node' in p ? p.node : server.node, name: p.data?.name ?? null, rooms: [...p.rooms].sort() })) };
    case 'emit':
      await server.serverSideEmit(new Note(command.n ?? 0, server.node));
      return {};
    case 'close':
      await server.close();
      return {};
    case 'remember': {
      const peer = (await server.to(command.rooms ?? []).peers()).find((p) => p.data?.name === command.name);
      if (peer === undefined) throw new Error(`no peer named ${String(command.name)}`);
      remembered.set(command.name as string, peer);
      return { id: peer.id, node: peer instanceof Peer ? server.node : peer.node, remote: !(peer instanceof Peer) };
    }
    case 'sendTo': {
      const peer = remembered.get(command.name as string);
      if (peer === undefined) throw new Error(`remember ${String(command.name)} first`);
      await peer.send(new Note(command.n ?? 0, server.node));
      return {};
    }
    case 'streamDirect': {
      // peer.send() to each of this node's peers in the rooms. `directSent` n once n was sent two pauses ago: the
      // node's write of it to Redis, at the end of the event-loop turn it was sent in, has long gone out.
      const every = command.every ?? 1;
      for (let n = 1; n <= (command.count ?? 0); n += 1) {
        for (const peer of server.peers) if ((command.rooms ?? []).some((room) => peer.rooms.has(room))) void peer.send(new Note(n, 'direct')).catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, every));
        if (n > 1) print({ event: 'directSent', n: n - 1 });
      }
      return { sent: command.count ?? 0 };
    }
    case 'streamTo': {
      // remotePeer.send() one after another to a peer `remember` found: which resolved, which rejected and why.
      const peer = remembered.get(command.name as string);
      if (peer === undefined) throw new Error(`remember ${String(command.name)} first`);
      const failed: object[] = [];
      for (let n = 1; n <= (command.count ?? 0); n += 1) {
        await peer.send(new Note(n, server.node)).catch((err: unknown) => failed.push({ n, ...describe(err) }));
        await new Promise((resolve) => setTimeout(resolve, command.every ?? 1));
      }
      return { sent: (command.count ?? 0) - failed.length, failed };
    }
    case 'stream': {
      let sent = 0;
      for (let n = 1; n <= (command.count ?? 0); n += 1) {
        const result = await aimed.send(new Note(n, String(Date.now())));
        if (result.cluster === undefined) sent += 1;
        await new Promise((resolve) => setTimeout(resolve, command.every ?? 1));
      }
      return { sent };
    }
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as Command;
  run(command).then(
    (result) => print({ re: command.id, ...result }),
    (err: unknown) => print({ re: command.id, error: describe(err) }),
  );
});

server.listen().then(
  ({ port }) => print({ port, node: server.node }),
  (err: unknown) => {
    print({ startError: describe(err) });
    process.exit(1);
  },
);
