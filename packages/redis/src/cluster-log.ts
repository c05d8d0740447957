import { BadConnError } from '@oon/core';
import type { ClusterPayload, PeerSelection } from '@oon/server';
import { compareLogIds, decodeEnvelope, LOG_AND_PUBLISH } from './envelope';
import type { RedisLink } from './redis-link';

/** Entries read from the log per command while replaying. */
const PAGE = 512;

/** A stream entry as node-redis gives it with Buffers on: `[id, [field, value, …]]`. */
type RawEntry = [Buffer, Buffer[]];

/** Where a replay for a session taken over starts from: see {@link ClusterLog.mark}. */
export interface ReplayMark {
  /** The node's frontier then. */
  readonly upTo: string;
  /** How many of this node's own broadcasts were logged and not yet heard back then. */
  readonly unheard: number;
}

/** What `XINFO STREAM` says of the log that a replay needs. */
interface LogInfo {
  readonly length: number;
  readonly added: number;
  readonly first: string | undefined;
  readonly last: string;
}

/**
 * The cluster's log of broadcasts (`{<prefix>}:log`, a Redis Stream): what lets a
 * session outlive its node (docs/scaling.md, "Resuming on another node"). Each
 * broadcast is appended and published in one script, so every node hears them in the
 * log's order; a node's **frontier** is the id of the last one it heard (its own
 * included, which it delivered before logging): every broadcast up to it has been handed
 * to the node's peers it aimed at. A session's checkpoint is a frontier its client has
 * acknowledged everything up to; a node that takes the session over replays what follows.
 * Trimmed to about `maxEntries` entries, and to the resume window.
 */
export class ClusterLog {
  readonly #link: RedisLink;
  readonly #key: string;
  readonly #maxEntries: number;
  readonly #maxMessageBytes: number;
  #frontier = '0-0';
  /** This node's broadcasts being logged and not heard back yet: delivered here, not yet in its frontier. */
  #unheard = 0;

  constructor(link: RedisLink, key: string, maxEntries: number, maxMessageBytes: number) {
    this.#link = link;
    this.#key = key;
    this.#maxEntries = maxEntries;
    this.#maxMessageBytes = maxMessageBytes;
  }

  /** The id of the last broadcast this node heard (or, before any, the log's last when it started). */
  get frontier(): string {
    return this.#frontier;
  }

  /** Starts the frontier at the log's end: what was logged before this node joined was not for its sessions. */
  async start(): Promise<void> {
    this.#frontier = (await this.#info())?.last ?? '0-0';
  }

  /** This node heard the broadcast logged as `id` (and handed it to its peers); `own` when it is one of its own. */
  heard(id: string, own: boolean): void {
    if (own && this.#unheard > 0) this.#unheard -= 1;
    if (compareLogIds(id, this.#frontier) > 0) this.#frontier = id;
  }

  /** Logs `envelope` and publishes it on `channel` (with `publish`: PUBLISH or SPUBLISH), in one step. */
  async append(envelope: Buffer, channel: string, publish: 'PUBLISH' | 'SPUBLISH'): Promise<void> {
    this.#unheard += 1;
    try {
      await this.#link.command(this.#key, ['EVAL', LOG_AND_PUBLISH, '1', this.#key, String(this.#maxEntries), envelope, channel, publish]);
    } catch (err) {
      this.#unheard = Math.max(0, this.#unheard - 1);
      throw err;
    }
  }

  /**
   * Where a replay starts from, taken once the session's peer is in its rooms: every
   * broadcast this node hears from now on reaches the peer live, and so do its own
   * broadcasts from now on (delivered here before they are logged).
   */
  mark(): ReplayMark {
    return { upTo: this.#frontier, unheard: this.#unheard };
  }

  /** Drops entries older than `ms` milliseconds: no session can be resumed from them. */
  async trim(ms: number): Promise<void> {
    await this.#link.command(this.#key, ['XTRIM', this.#key, 'MINID', '~', `${Math.max(0, Date.now() - ms)}-0`]);
  }

  /**
   * Why the log no longer holds every broadcast after `checkpoint`, or `undefined` when it
   * does: entries were trimmed (past `maxEntries`, or older than the window) beyond it.
   */
  async missing(checkpoint: string): Promise<string | undefined> {
    const info = await this.#info();
    if (info === undefined || info.added === info.length) return undefined;
    // Trimming drops the oldest entries: all after the checkpoint are there if the oldest left is not after it.
    if (compareLogIds(info.first ?? info.last, checkpoint) <= 0) return undefined;
    const where = info.first === undefined ? 'is empty' : `starts at ${info.first}`;
    return `the cluster's log no longer holds all the broadcasts after the session's last checkpoint (${checkpoint}): it keeps about ${this.#maxEntries} entries, none older than the resume window, and ${where}`;
  }

  /**
   * Hands `deliver` every broadcast logged after `checkpoint` that the session's peer did
   * not get live, oldest first: those up to the frontier at `mark` (heard before the peer
   * was in its rooms here), and this node's own that were being logged then (delivered
   * here before the peer was in its rooms, logged after). Entries that do not decode go
   * to `skip`.
   */
  async replay(checkpoint: string, mark: ReplayMark, node: string, deliver: (selection: PeerSelection, payload: ClusterPayload) => void, skip: (err: unknown) => void): Promise<void> {
    const { upTo } = mark;
    let own = mark.unheard;
    let from = checkpoint;
    for (;;) {
      let page: RawEntry[];
      try {
        page = await this.#link.command<RawEntry[]>(this.#key, ['XRANGE', this.#key, `(${from}`, '+', 'COUNT', String(PAGE)], true);
      } catch (err) {
        throw new BadConnError(`cannot read the cluster's log from ${this.#link.where} (${err instanceof Error ? err.message : String(err)}): a resumed session may lack broadcasts sent while its client was away`, { cause: err });
      }
      for (const [rawId, fields] of page) {
        const id = rawId.toString('latin1');
        from = id;
        const message = fields[1];
        if (message === undefined) continue;
        try {
          const envelope = decodeEnvelope(message, this.#maxMessageBytes);
          if (envelope.kind !== 'broadcast') continue;
          if (compareLogIds(id, upTo) > 0) {
            // Heard here after the mark (reached the peer live), or this node's own, sent after the mark (live too).
            if (envelope.node !== node || own === 0) continue;
            own -= 1;
          }
          deliver(envelope.selection, envelope.payload);
        } catch (err) {
          skip(err);
        }
      }
      if (page.length < PAGE) return;
    }
  }

  /** The log's length, entries ever added, first entry and last id; `undefined` when there is no log yet. */
  async #info(): Promise<LogInfo | undefined> {
    let reply: unknown[] | Record<string, unknown>;
    try {
      reply = await this.#link.command<unknown[] | Record<string, unknown>>(this.#key, ['XINFO', 'STREAM', this.#key]);
    } catch (err) {
      if (err instanceof Error && /no such key/i.test(err.message)) return undefined;
      throw err;
    }
    const fields = new Map<string, unknown>();
    if (Array.isArray(reply)) for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
    else for (const [field, value] of Object.entries(reply)) fields.set(field, value);
    const firstEntry = fields.get('first-entry');
    return {
      length: Number(fields.get('length')),
      added: Number(fields.get('entries-added')),
      first: Array.isArray(firstEntry) ? String(firstEntry[0]) : undefined,
      last: String(fields.get('last-generated-id')),
    };
  }
}
