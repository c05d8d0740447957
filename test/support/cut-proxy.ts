/**
 * A TCP proxy for reconnect tests: real sockets, forwarding both ways between a client
 * and a server, that can cut every link (destroying both of its sockets), even in the
 * middle of a frame, and refuse new links for a while.
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { LOOPBACK } from './harness';

/** Follows OON frame boundaries (`[u32 BE length][…length bytes]`) in one direction of a link. */
class FrameTracker {
  readonly #header = Buffer.alloc(4);
  #headerHave = 0;
  #bodyLeft = 0;

  /**
   * Consumes `chunk`. With `cutInside` set, stops early and returns an offset that
   * leaves the stream inside a frame: in its length prefix (`'length'`) or its body
   * (`'body'`). Returns -1 when the whole chunk was consumed.
   */
  advance(chunk: Buffer, cutInside?: 'length' | 'body'): number {
    let i = 0;
    while (i < chunk.length) {
      if (this.#bodyLeft === 0) {
        this.#header[this.#headerHave++] = chunk.readUInt8(i++);
        if (this.#headerHave === 4) {
          this.#bodyLeft = this.#header.readUInt32BE(0);
          this.#headerHave = 0;
        } else if (cutInside === 'length' && this.#headerHave === 2) return i;
        continue;
      }
      const take = Math.min(this.#bodyLeft, chunk.length - i);
      if (cutInside === 'body' && this.#bodyLeft > 1) return i + Math.max(1, Math.floor(Math.min(take, this.#bodyLeft - 1) / 2));
      this.#bodyLeft -= take;
      i += take;
    }
    return -1;
  }
}

interface Link {
  readonly client: Socket;
  readonly upstream: Socket;
  cut: boolean;
}

/** A running proxy. */
export interface CutProxy {
  /** Where clients dial. */
  readonly port: number;
  /** Links cut so far. */
  readonly cuts: number;
  /** While true, new links are refused: their socket is destroyed at once. */
  refuse: boolean;
  /** Cuts every live link now, wherever the bytes are. */
  cutNow(): void;
  /**
   * Cuts the next link that carries data, in the middle of a frame: it forwards part of
   * a frame (alternately part of its length prefix and part of its body), then destroys
   * both sockets. Resolves once cut.
   */
  cutMidFrame(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port in front of `127.0.0.1:targetPort`. */
export async function cutProxy(targetPort: number): Promise<CutProxy> {
  const links = new Set<Link>();
  let armed: (() => void) | undefined;
  let cuts = 0;

  const destroy = (link: Link): void => {
    link.cut = true;
    link.client.destroy();
    link.upstream.destroy();
    links.delete(link);
  };

  const forward = (link: Link, from: Socket, to: Socket): void => {
    const tracker = new FrameTracker();
    from.on('data', (chunk: Buffer) => {
      if (link.cut) return;
      const where = armed === undefined ? undefined : cuts % 2 === 0 ? 'body' : 'length';
      const at = tracker.advance(chunk, where);
      if (at < 0) {
        if (!to.write(chunk)) from.pause();
        return;
      }
      const done = armed as () => void;
      armed = undefined;
      cuts += 1;
      link.cut = true;
      // Half a frame reaches the peer, then the link dies under it.
      to.write(chunk.subarray(0, at), () => {
        destroy(link);
        done();
      });
    });
    to.on('drain', () => from.resume());
  };

  const server: Server = createServer((client) => {
    client.on('error', () => {});
    if (proxy.refuse) {
      client.destroy();
      return;
    }
    const upstream = connect({ host: LOOPBACK, port: targetPort });
    upstream.on('error', () => {});
    const link: Link = { client, upstream, cut: false };
    links.add(link);
    forward(link, client, upstream);
    forward(link, upstream, client);
    client.once('close', () => destroy(link));
    upstream.once('close', () => destroy(link));
  });
  server.listen(0, LOOPBACK);
  await once(server, 'listening');

  const proxy: CutProxy = {
    port: (server.address() as AddressInfo).port,
    get cuts() {
      return cuts;
    },
    refuse: false,
    cutNow() {
      for (const link of [...links]) {
        cuts += 1;
        destroy(link);
      }
    },
    cutMidFrame() {
      return new Promise<void>((resolve) => (armed = resolve));
    },
    async close() {
      armed = undefined;
      for (const link of [...links]) destroy(link);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
