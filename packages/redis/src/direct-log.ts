import { BadConnError } from '@oon/core';
import type { ClusterPayload } from '@oon/server';
import { decodeEnvelope, encodeEnvelope } from './envelope';
import type { RedisLink } from './redis-link';

/**
 * A session's list holds **chunks**: what one node sent the session in one tick, as
 * `[last seq: 16 ASCII digits][entry]…`, each entry `[u32 BE length][seq: 16 ASCII digits]
 * [the message's direct envelope]`. One list element (and one argument) per tick rather
 * than per message: what costs a node and Redis most is per element. A Lua script reads
 * a chunk's last seq as a number (16 digits hold every seq up to 2^53). Seq 0: kept by
 * another node for a session between nodes, never sent.
 */
const SEQ_DIGITS = 16;
/** Bytes of an entry before its envelope. */
const ENTRY_HEAD = 4 + SEQ_DIGITS;
/** Bytes of chunks past which a node writes them at once rather than at the end of the tick, so a burst does not pile up. */
const FLUSH_BYTES = 1024 * 1024;
const EMPTY = new Uint8Array(0);

/** Appends chunks to sessions' lists (`KEYS`, one chunk each, `ARGV[i + 1]`) that expire in `ARGV[1]` ms: one script per tick of a node. */
const KEEP = `for i = 1, #KEYS do
  redis.call('RPUSH', KEYS[i], ARGV[i + 1])
  redis.call('PEXPIRE', KEYS[i], ARGV[1])
end`;

/** Drops from the front of each list (`KEYS[i]`) the chunks whose last seq is at most `ARGV[i]`: the client acknowledged them. */
const TRIM = `for i = 1, #KEYS do
  local acked = tonumber(ARGV[i])
  while true do
    local page = redis.call('LRANGE', KEYS[i], 0, 15)
    local j = 1
    while j <= #page and tonumber(string.sub(page[j], 1, ${SEQ_DIGITS})) <= acked do j = j + 1 end
    if j > 1 then redis.call('LTRIM', KEYS[i], j - 1, -1) end
    if j <= #page or #page < 16 then break end
  end
end`;

/** Reads a list (`KEYS[1]`) and drops what it read, in one step: what a node taking the session over sends again. */
const TAKE = `local all = redis.call('LRANGE', KEYS[1], 0, -1)
redis.call('LTRIM', KEYS[1], #all, -1)
return all`;

/** A session's chunk of this tick, being written. */
interface Chunk {
  bytes: Buffer;
  length: number;
}

/** Writes `seq` as {@link SEQ_DIGITS} ASCII digits at `at`. */
function writeSeq(bytes: Buffer, at: number, seq: number): void {
  for (let digit = SEQ_DIGITS - 1, rest = seq; digit >= 0; digit -= 1, rest = Math.floor(rest / 10)) bytes[at + digit] = 48 + (rest % 10);
}

/** A chunk of one entry no node numbered: what another node keeps for a session between nodes. */
function unnumberedChunk(envelope: Buffer): Buffer {
  const chunk = Buffer.alloc(SEQ_DIGITS + ENTRY_HEAD + envelope.length, 48);
  chunk.writeUInt32BE(SEQ_DIGITS + envelope.length, SEQ_DIGITS);
  envelope.copy(chunk, SEQ_DIGITS + ENTRY_HEAD);
  return chunk;
}

/**
 * Where a `RemotePeer.send()` to a session goes (`KEYS[1]` its record, `KEYS[2]` its
 * list): `gone` without a record; `self` when this node (`ARGV[1]`) holds it; to its
 * node's channel (`sent`, with how many heard it) while that node's heartbeat lives and
 * it is not the one the sender found dead (`ARGV[3]`); else kept in its list (`kept`,
 * living as long as the record; `ARGV[8]`, the envelope as a chunk), unless the list
 * holds `ARGV[7]` chunks (`full`). A kept message is also published to its node, should
 * that node live on after all. `ARGV[2]`: the envelope; `ARGV[4]`, `ARGV[5]`: what a
 * node's heartbeat key and channel start with; `ARGV[6]`: PUBLISH or SPUBLISH.
 */
const ROUTE = `local owner = redis.call('HGET', KEYS[1], 'node')
if not owner then return {'gone'} end
if owner == ARGV[1] then return {'self', owner} end
local inbox = ARGV[5] .. owner
if owner ~= ARGV[3] and redis.call('EXISTS', ARGV[4] .. owner) == 1 then
  return {'sent', owner, redis.call(ARGV[6], inbox, ARGV[2])}
end
if redis.call('LLEN', KEYS[2]) >= tonumber(ARGV[7]) then return {'full', owner} end
redis.call('RPUSH', KEYS[2], ARGV[8])
redis.call('PEXPIRE', KEYS[2], math.max(1, redis.call('PTTL', KEYS[1])))
if owner ~= ARGV[3] then redis.call(ARGV[6], inbox, ARGV[2]) end
return {'kept', owner}`;

/** Where a message for a session goes, as {@link ROUTE} decided. */
export type Route =
  | { readonly kind: 'gone' | 'self' }
  | { readonly kind: 'sent'; readonly owner: string; readonly heard: number }
  | { readonly kind: 'kept' | 'full'; readonly owner: string };

/** What the log needs to know of its cluster. */
export interface DirectLogOptions {
  readonly prefix: string;
  /** This node's id. */
  readonly node: string;
  /** The largest entry read back, in bytes (as from a channel). */
  readonly maxMessageBytes: number;
  /** About how many messages a session between nodes is kept (from other nodes). */
  readonly maxEntries: number;
  /** PUBLISH, or SPUBLISH for sharded pub/sub. */
  readonly publish: 'PUBLISH' | 'SPUBLISH';
  /** What a node's heartbeat key and its own channel start with (the node id follows). */
  readonly beatKeyPrefix: string;
  readonly inboxPrefix: string;
  /** How long a session's list outlives its last write (ms): as long as its record. */
  ttl(): number;
}

/**
 * What was sent to each session directly (`peer.send()`, or a `RemotePeer`'s send that
 * arrived here), kept in Redis so that it outlives its node (docs/scaling.md, "Resuming
 * on another node"): `{<prefix>}:direct:<session id>`, a list of chunks of messages in
 * seq order, each message behind its seq. A node appends what it sent in a tick with one
 * script for all its sessions, and drops the chunks its clients acknowledged at each
 * checkpoint; a node that takes the session over sends again the messages after what
 * the client says it received. While a session is between nodes, other nodes append
 * what they send it there, unnumbered.
 */
export class DirectLog {
  readonly #link: RedisLink;
  readonly #options: DirectLogOptions;
  /** What this tick sent, per session: written at its end. */
  #batch = new Map<string, Chunk>();
  #batchBytes = 0;
  /** The envelope head of this node's entries, for the last `ignore` list seen (nearly always the shared empty one). */
  #head: { ignore: readonly string[]; schema: string; bytes: Buffer } | undefined;

  constructor(link: RedisLink, options: DirectLogOptions) {
    this.#link = link;
    this.#options = options;
  }

  /** The list of session `id`. */
  key(id: string): string {
    return `{${this.#options.prefix}}:direct:${id}`;
  }

  /** Session `id`'s peer was sent `payload` as message `seq`: kept at the end of this tick, with what else it sent. */
  sent(id: string, seq: number, payload: ClusterPayload): void {
    if (this.#batch.size === 0) setImmediate(() => this.#flush());
    const head = this.#headFor(payload);
    const size = ENTRY_HEAD + head.length + payload.bytes.length;
    const chunk = this.#room(id, size);
    const { bytes } = chunk;
    writeSeq(bytes, 0, seq);
    let at = bytes.writeUInt32BE(size - 4, chunk.length);
    writeSeq(bytes, at, seq);
    at += SEQ_DIGITS;
    at += head.copy(bytes, at);
    bytes.set(payload.bytes, at);
    chunk.length = at + payload.bytes.length;
    this.#batchBytes += size;
    if (this.#batchBytes >= FLUSH_BYTES) this.#flush();
  }

  /** Session `id`'s chunk of this tick, with room for `size` more bytes. */
  #room(id: string, size: number): Chunk {
    const chunk = this.#batch.get(id);
    if (chunk === undefined) {
      const fresh = { bytes: Buffer.allocUnsafe(Math.max(256, SEQ_DIGITS + size)), length: SEQ_DIGITS };
      this.#batch.set(id, fresh);
      return fresh;
    }
    if (chunk.length + size > chunk.bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * chunk.bytes.length, chunk.length + size));
      chunk.bytes.copy(bigger, 0, 0, chunk.length);
      chunk.bytes = bigger;
    }
    return chunk;
  }

  /** The head of a `direct` envelope from this node with `payload`'s schema and ignore list: what is before its bytes. */
  #headFor({ ignore, schema }: ClusterPayload): Buffer {
    const cached = this.#head;
    if (cached !== undefined && cached.ignore === ignore && cached.schema === schema) return cached.bytes;
    const bytes = encodeEnvelope({ kind: 'direct', node: this.#options.node, request: '', peer: '', payload: { ignore, schema, bytes: EMPTY } });
    this.#head = { ignore, schema, bytes };
    return bytes;
  }

  /** Writes the tick's entries, one script for every session; one that fails (Redis down) is not kept. */
  #flush(): void {
    const batch = this.#batch;
    if (batch.size === 0) return;
    this.#batch = new Map();
    this.#batchBytes = 0;
    const keys = [...batch.keys()].map((id) => this.key(id));
    const chunks = [...batch.values()].map(({ bytes, length }) => bytes.subarray(0, length));
    const command: Array<string | Buffer> = ['EVAL', KEEP, String(keys.length), ...keys, String(this.#options.ttl())];
    this.#link.command(keys[0] as string, command.concat(chunks)).catch(() => {});
  }

  /** Drops from each session's list what its client acknowledged (`acked`: session id to seq). */
  trim(acked: ReadonlyMap<string, number>): void {
    const keys = [...acked.keys()].map((id) => this.key(id));
    const [first] = keys;
    if (first === undefined) return;
    this.#link.command(first, ['EVAL', TRIM, String(keys.length)].concat(keys, [...acked.values()].map(String))).catch(() => {});
  }

  /**
   * Takes session `id`'s list for a node taking it over: the messages its client may lack
   * (numbered after `received`, or unnumbered), in order. An entry that cannot be read
   * goes to `skip`. Rejects with `BadConn` when Redis cannot be read.
   */
  async take(id: string, received: number, skip: (err: unknown) => void): Promise<ClusterPayload[]> {
    const key = this.key(id);
    let chunks: Buffer[];
    try {
      chunks = await this.#link.command<Buffer[]>(key, ['EVAL', TAKE, '1', key], true);
    } catch (err) {
      throw new BadConnError(`cannot read what was kept for session ${id} from ${this.#link.where} (${err instanceof Error ? err.message : String(err)}): its client may lack messages sent to it directly`, { cause: err });
    }
    const payloads: ClusterPayload[] = [];
    for (const chunk of chunks) {
      for (let at = SEQ_DIGITS; at < chunk.length; ) {
        if (at + ENTRY_HEAD > chunk.length) {
          skip(new Error(`a chunk of session ${id}'s list ends inside an entry's head`));
          break;
        }
        const end = at + 4 + chunk.readUInt32BE(at);
        const seq = Number(chunk.toString('latin1', at + 4, at + ENTRY_HEAD));
        const envelope = chunk.subarray(at + ENTRY_HEAD, end);
        at = end;
        if (seq !== 0 && seq <= received) continue;
        try {
          const read = decodeEnvelope(envelope, this.#options.maxMessageBytes);
          if (read.kind !== 'direct' || !Number.isSafeInteger(seq)) throw new Error(`an entry of session ${id}'s list holds a ${read.kind} message, not a direct one`);
          payloads.push(read.payload);
        } catch (err) {
          skip(err);
        }
      }
    }
    return payloads;
  }

  /**
   * Finds where a message for session `id` goes and, when its node is alive, publishes
   * `envelope` there, or keeps it for the session's next node ({@link ROUTE}); `dead`
   * names a node the sender found gone whose heartbeat has not lapsed yet.
   */
  async route(id: string, record: string, envelope: Buffer, dead: string | undefined): Promise<Route> {
    const { node, beatKeyPrefix, inboxPrefix, publish, maxEntries } = this.#options;
    const chunk = unnumberedChunk(envelope);
    const reply = await this.#link.command<unknown[]>(record, ['EVAL', ROUTE, '2', record, this.key(id), node, envelope, dead ?? '', beatKeyPrefix, inboxPrefix, publish, String(maxEntries), chunk]);
    const [kind, owner = '', heard = 0] = reply.map((part) => (typeof part === 'number' ? part : String(part)));
    switch (kind) {
      case 'gone':
      case 'self':
        return { kind };
      case 'sent':
        return { kind, owner: String(owner), heard: Number(heard) };
      case 'kept':
      case 'full':
        return { kind, owner: String(owner) };
      default:
        throw new BadConnError(`${this.#link.where} answered a send to session ${id} with ${JSON.stringify(reply).slice(0, 80)}`);
    }
  }
}
