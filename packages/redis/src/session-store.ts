import { BadDataError } from '@oon/core';
import type { AdapterHost, ClusterPayload, SessionClaim, SessionRecord, SessionStore } from '@oon/server';
import { fromBase64, SESSION_SECRET_BYTES, toBase64 } from '@oon/wire/internal';
import type { ClusterLog } from './cluster-log';
import type { DirectLog } from './direct-log';
import { isLogId } from './envelope';
import type { RedisLink } from './redis-link';

/** Checkpoints kept per session, waiting for the client to acknowledge them; past it the newest is moved on. */
const MAX_PENDING = 16;
/** Milliseconds after which an idle session's checkpoint is written again when the frontier moved, so its replay stays short. */
const IDLE_REFRESH = 1_000;

/**
 * Deletes a session's record and what was kept for it (`KEYS[3]`) if this node (`ARGV[1]`)
 * still holds it (another may have taken it over), and this node's checkpoint of it
 * (`ARGV[2]`, the id).
 */
const FORGET = `if redis.call('HGET', KEYS[1], 'node') == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[3]) end
redis.call('HDEL', KEYS[2], ARGV[2])`;

/** A checkpoint taken: the seq sent to the client then, and the node's frontier then. */
interface Snapshot {
  sent: number;
  frontier: string;
}

/** One of this node's sessions, as the store keeps it. */
interface Tracked {
  readonly record: SessionRecord;
  rooms: readonly string[];
  /** Checkpoints the client has not acknowledged yet, oldest first. */
  readonly pending: Snapshot[];
  /** The checkpoint in Redis, and the seq it was taken at. */
  written: Snapshot;
  writtenAt: number;
  /** True while what a take-over replays is being handed to the session: no checkpoint is taken. */
  replaying: boolean;
  /** The seq of the last message sent to it directly (kept in its list), and the seq its list was last trimmed to. */
  lastKept: number;
  trimmedTo: number;
}

/** Where a claim made here resumes from: the session's checkpoint (and its node), and what the client says it received. */
interface ClaimPoint {
  readonly checkpoint: string;
  readonly node: string;
  readonly received: number;
}

/**
 * Sessions kept in Redis so that they outlive their node (docs/scaling.md, "Resuming on
 * another node"):
 *
 * - `{<prefix>}:session:<id>`, a hash: the node holding it, its secret, a digest of its
 *   token, its peer's rooms; expiring a resume window (and a sweep) after its node last
 *   renewed it;
 * - `{<prefix>}:checkpoints:<node>`, a hash: for each of the node's sessions, the log
 *   id its client has acknowledged every broadcast up to;
 * - `{<prefix>}:direct:<id>`, a list: what was sent to the session directly and its
 *   client has not acknowledged ({@link DirectLog}).
 *
 * Each `checkpointInterval` the node notes, per session, the seq sent so far and its log
 * frontier; once the client acknowledges that seq, the frontier is the session's
 * checkpoint. A node that takes the session over replays the log after it.
 */
export class RedisSessionStore implements SessionStore {
  readonly #link: RedisLink;
  readonly #log: ClusterLog;
  readonly #direct: DirectLog;
  readonly #host: AdapterHost;
  readonly #prefix: string;
  readonly #node: string;
  readonly #checkpointInterval: number;
  readonly #tracked = new Map<string, Tracked>();
  readonly #roomsChanged = new Set<string>();
  /** Where each claim made here replays from. */
  readonly #checkpointOf = new WeakMap<SessionClaim, ClaimPoint>();
  #timers: NodeJS.Timeout[] = [];

  /** Tells the other nodes that this one took a session over. */
  readonly #announce: (id: string) => void;

  constructor(link: RedisLink, log: ClusterLog, direct: DirectLog, host: AdapterHost, options: { prefix: string; node: string; checkpointInterval: number; announce: (id: string) => void }) {
    this.#announce = options.announce;
    this.#link = link;
    this.#log = log;
    this.#direct = direct;
    this.#host = host;
    this.#prefix = options.prefix;
    this.#node = options.node;
    this.#checkpointInterval = options.checkpointInterval;
  }

  /** Milliseconds between renewals of every record: a quarter of the resume window, from 100 ms to 5 s. */
  get #sweepInterval(): number {
    return Math.min(5_000, Math.max(100, Math.floor(this.#host.resumeWindow / 4)));
  }

  /** How long a record outlives its node's last renewal: at least the resume window after the node died. */
  get ttl(): number {
    return this.#host.resumeWindow + this.#sweepInterval;
  }

  /** The record of session `id`. */
  sessionKey(id: string): string {
    return `{${this.#prefix}}:session:${id}`;
  }

  #checkpointsKey(node: string): string {
    return `{${this.#prefix}}:checkpoints:${node}`;
  }

  /** Starts taking checkpoints and renewing records. */
  start(): void {
    const tick = setInterval(() => this.#tick(), this.#checkpointInterval);
    const sweep = setInterval(() => this.#sweep(), this.#sweepInterval);
    tick.unref();
    sweep.unref();
    this.#timers = [tick, sweep];
  }

  /** Stops; the records of sessions still here stay until they expire (a closing server ends its sessions first). */
  stop(): void {
    this.#timers.forEach((timer) => clearInterval(timer));
    this.#timers = [];
  }

  open(record: SessionRecord, claim?: SessionClaim): void {
    const taken = claim === undefined ? undefined : this.#checkpointOf.get(claim);
    const written = { sent: 0, frontier: taken?.checkpoint ?? this.#log.frontier };
    const tracked: Tracked = { record, rooms: record.rooms, pending: [], written, writtenAt: Date.now(), replaying: taken !== undefined, lastKept: 0, trimmedTo: 0 };
    this.#tracked.set(record.id, tracked);
    this.#write([tracked]);
    // A node that still has it (alive, its client came here) lets it go.
    if (taken !== undefined) this.#announce(record.id);
  }

  rooms(id: string, rooms: readonly string[]): void {
    const tracked = this.#tracked.get(id);
    if (tracked === undefined) return;
    tracked.rooms = rooms;
    // Written once the app's code of this tick has joined what it joins, not at the next checkpoint.
    if (this.#roomsChanged.size === 0) setImmediate(() => this.#writeRooms());
    this.#roomsChanged.add(id);
  }

  sent(id: string, seq: number, payload: ClusterPayload): void {
    const tracked = this.#tracked.get(id);
    if (tracked === undefined) return;
    this.#direct.sent(id, seq, payload);
    tracked.lastKept = seq;
  }

  close(id: string): void {
    if (!this.#tracked.delete(id)) return;
    this.#roomsChanged.delete(id);
    const key = this.sessionKey(id);
    this.#quietly(this.#link.command(key, ['EVAL', FORGET, '3', key, this.#checkpointsKey(this.#node), this.#direct.key(id), this.#node, id]));
  }

  async claim(id: string, received: number): Promise<SessionClaim | undefined> {
    const key = this.sessionKey(id);
    const fields = pairs(await this.#link.command<unknown>(key, ['HGETALL', key]));
    if (fields.size === 0) return undefined;
    const node = fields.get('node') ?? '';
    const checkpoint = await this.#link.command<string | null>(key, ['HGET', this.#checkpointsKey(node), id]);
    // The checkpoints expire with their node's renewals: without one, the session has expired.
    if (!isLogId(checkpoint)) return undefined;
    const record = this.#parse(id, fields);
    const incomplete = await this.#log.missing(checkpoint);
    const claim: SessionClaim = {
      record,
      incomplete,
      replay: (send, deliver) => this.#replay(id, { checkpoint, node, received }, send, deliver),
    };
    this.#checkpointOf.set(claim, { checkpoint, node, received });
    return claim;
  }

  /** A record read back from Redis, every field checked: `BadData` naming the one that is wrong. */
  #parse(id: string, fields: Map<string, string>): SessionRecord {
    const secret = fromBase64(fields.get('secret') ?? '');
    const token = fields.get('token') ?? '';
    let rooms: unknown;
    try {
      rooms = JSON.parse(fields.get('rooms') ?? '');
    } catch {
      rooms = undefined;
    }
    if (secret.length !== SESSION_SECRET_BYTES) throw new BadDataError(`session ${id} in Redis has no valid secret`);
    if (!/^([0-9a-f]{64})?$/.test(token)) throw new BadDataError(`session ${id} in Redis has no valid token digest`);
    if (!Array.isArray(rooms) || !rooms.every((room) => typeof room === 'string')) throw new BadDataError(`session ${id} in Redis has no valid list of rooms`);
    return { id, secret, token, rooms: rooms as string[], name: fields.get('name') ?? '' };
  }

  /** Sends again what was sent to the session directly after what its client received, then what the log holds after its checkpoint. */
  async #replay(id: string, from: ClaimPoint, send: Parameters<SessionClaim['replay']>[0], deliver: Parameters<SessionClaim['replay']>[1]): Promise<void> {
    try {
      const skip = (where: string) => (err: unknown): void =>
        this.#host.fault(new BadDataError(`skipped an entry of ${where} while resuming session ${id}: ${err instanceof Error ? err.message : String(err)}`));
      // Taken now, as the peer is in its rooms: what this node broadcasts or hears from now on reaches it live.
      const mark = this.#log.mark();
      for (const payload of await this.#direct.take(id, from.received, skip(`what was kept for it`))) send(payload);
      await this.#log.replay(from.checkpoint, mark, this.#node, deliver, skip("the cluster's log"));
    } finally {
      const tracked = this.#tracked.get(id);
      if (tracked !== undefined) tracked.replaying = false;
    }
  }

  /** Takes a checkpoint of every session, and writes those the client acknowledged. */
  #tick(): void {
    const frontier = this.#log.frontier;
    const now = Date.now();
    const checkpoints: string[] = [];
    const trims = new Map<string, number>();
    for (const { id, sent, acknowledged } of this.#host.sessions()) {
      const tracked = this.#tracked.get(id);
      if (tracked === undefined) continue;
      if (tracked.lastKept > tracked.trimmedTo && acknowledged > tracked.trimmedTo) {
        trims.set(id, acknowledged);
        tracked.trimmedTo = acknowledged;
      }
      if (tracked.replaying) continue;
      const { pending } = tracked;
      const last = pending[pending.length - 1];
      // Nothing sent since the last one: a later frontier says as much, and the client is no further behind.
      if (last !== undefined && (last.sent === sent || pending.length >= MAX_PENDING)) Object.assign(last, { sent, frontier });
      else pending.push({ sent, frontier });
      let acked: Snapshot | undefined;
      while (pending[0] !== undefined && pending[0].sent <= acknowledged) acked = pending.shift();
      if (acked === undefined || acked.frontier === tracked.written.frontier) continue;
      if (acked.sent === tracked.written.sent && now - tracked.writtenAt < IDLE_REFRESH) continue;
      tracked.written = acked;
      tracked.writtenAt = now;
      checkpoints.push(id, acked.frontier);
    }
    if (checkpoints.length > 0) this.#quietly(this.#link.command(this.#checkpointsKey(this.#node), ['HSET', this.#checkpointsKey(this.#node), ...checkpoints]));
    this.#direct.trim(trims);
  }

  /** Writes the rooms of the sessions whose peers joined or left rooms since the last time. */
  #writeRooms(): void {
    const changed = [...this.#roomsChanged].flatMap((id) => this.#tracked.get(id) ?? []);
    this.#roomsChanged.clear();
    for (const tracked of changed) {
      const key = this.sessionKey(tracked.record.id);
      this.#quietly(this.#link.command(key, ['HSET', key, 'rooms', JSON.stringify(tracked.rooms)]));
    }
  }

  /** Renews (and rewrites, should Redis have restarted empty) every record and checkpoint, and trims the log to the window. */
  #sweep(): void {
    this.#write([...this.#tracked.values()]);
    this.#quietly(this.#log.trim(this.ttl));
  }

  /** Writes sessions' records and checkpoints, with their expiry. */
  #write(sessions: Tracked[]): void {
    if (sessions.length === 0) return;
    const ttl = String(this.ttl);
    const checkpoints: string[] = [];
    for (const { record, rooms, written, lastKept, trimmedTo } of sessions) {
      const key = this.sessionKey(record.id);
      const fields = ['node', this.#node, 'name', record.name, 'secret', toBase64(record.secret), 'token', record.token, 'rooms', JSON.stringify(rooms)];
      this.#quietly(this.#link.command(key, ['HSET', key, ...fields]));
      this.#quietly(this.#link.command(key, ['PEXPIRE', key, ttl]));
      // What its client has not acknowledged lives as long as the session.
      if (lastKept > trimmedTo) this.#quietly(this.#link.command(key, ['PEXPIRE', this.#direct.key(record.id), ttl]));
      checkpoints.push(record.id, written.frontier);
    }
    const key = this.#checkpointsKey(this.#node);
    this.#quietly(this.#link.command(key, ['HSET', key, ...checkpoints]));
    this.#quietly(this.#link.command(key, ['PEXPIRE', key, ttl]));
  }

  /** A write that may fail while Redis is down (reported once as lost Redis); the next sweep writes it again. */
  #quietly(write: Promise<unknown>): void {
    write.catch(() => {});
  }
}

/** A hash as node-redis gives it (an object, or `[field, value, …]` on RESP2 without its transform) as a map. */
export function pairs(reply: unknown): Map<string, string> {
  const fields = new Map<string, string>();
  if (Array.isArray(reply)) for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), String(reply[i + 1]));
  else if (typeof reply === 'object' && reply !== null) for (const [field, value] of Object.entries(reply)) fields.set(field, String(value));
  return fields;
}
