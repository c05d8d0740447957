/**
 * A TCP proxy for reconnect tests: real sockets, forwarding both ways between a client
 * and a server, that can cut every link (destroying both of its sockets), even in the
 * middle of a frame, and refuse new links for a while.
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { LOOPBACK } from './harness';

/** Where a cut lands: inside a frame's length prefix or body, after `skip` whole frames. */
interface CutPlan {
  readonly generation: number;
  readonly inside: 'length' | 'body';
  readonly skip: number;
}

/** Follows OON frame boundaries (`[u32 BE length][…length bytes]`) in one direction of a link. */
class FrameTracker {
  readonly #header = Buffer.alloc(4);
  #headerHave = 0;
  #bodyLeft = 0;
  #generation = -1;
  /** Whole frames passed since the current plan was armed. */
  #passed = 0;

  /**
   * Consumes `chunk`. With a plan, once `plan.skip` whole frames have passed, stops
   * early and returns an offset that leaves the stream inside the next frame: in its
   * length prefix or its body. Returns -1 when the whole chunk was consumed.
   */
  advance(chunk: Buffer, plan?: CutPlan): number {
    if (plan !== undefined && plan.generation !== this.#generation) {
      this.#generation = plan.generation;
      this.#passed = 0;
    }
    const due = (): boolean => plan !== undefined && this.#passed >= plan.skip;
    let i = 0;
    while (i < chunk.length) {
      if (this.#bodyLeft === 0) {
        this.#header[this.#headerHave++] = chunk.readUInt8(i++);
        if (this.#headerHave === 4) {
          this.#bodyLeft = this.#header.readUInt32BE(0);
          this.#headerHave = 0;
        } else if (plan?.inside === 'length' && this.#headerHave === 2 && due()) return i;
        continue;
      }
      const take = Math.min(this.#bodyLeft, chunk.length - i);
      if (plan?.inside === 'body' && this.#bodyLeft > 1 && due()) return i + Math.max(1, Math.floor(Math.min(take, this.#bodyLeft - 1) / 2));
      this.#bodyLeft -= take;
      i += take;
      if (this.#bodyLeft === 0) this.#passed += 1;
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
  /**
   * While true, the network is down without a word (a laptop asleep, a route gone): bytes
   * are dropped both ways, and a side that closes is not told to the other (its FIN is
   * lost). Once false again, the first bytes the client sends on a link whose server side
   * is gone close the client's side, as a host answers a segment for a socket it no
   * longer has with a reset.
   */
  blackhole: boolean;
  /** Cuts every live link now, wherever the bytes are. */
  cutNow(): void;
  /**
   * Drops the client's side of every live link and leaves the server's side open and
   * silent, as when a route dies: the server sees nothing until the client comes back.
   */
  cutClientSide(): void;
  /**
   * Cuts the next link that carries data, in the middle of a frame: after letting a
   * varying number of whole frames through (0, 37, 74, …), it forwards part of the next
   * frame (alternately part of its length prefix and part of its body), then destroys
   * both sockets. Resolves once cut.
   */
  cutMidFrame(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port in front of `127.0.0.1:targetPort`. */
export async function cutProxy(targetPort: number): Promise<CutProxy> {
  const links = new Set<Link>();
  let armed: { plan: CutPlan; done: () => void } | undefined;
  let cuts = 0;
  let generation = 0;

  const destroy = (link: Link): void => {
    link.cut = true;
    link.client.destroy();
    link.upstream.destroy();
    links.delete(link);
  };


  const forward = (link: Link, from: Socket, to: Socket): void => {
    const tracker = new FrameTracker();
    from.on('data', (chunk: Buffer) => {
      if (link.cut || proxy.blackhole) return;
      if (to.destroyed) {
        from.destroy();
        return;
      }
      const at = tracker.advance(chunk, armed?.plan);
      if (at < 0) {
        if (!to.write(chunk)) from.pause();
        return;
      }
      const { done } = armed as { done: () => void };
      armed = undefined;
      cuts += 1;
      link.cut = true;
      // The whole frames before the cut and part of the next reach the peer, then a FIN.
      // The socket is left to close when the peer answers it: destroying it while the
      // peer still sends would reset the connection and drop those bytes unread.
      from.destroy();
      const fallback = setTimeout(() => to.destroy(), 2_000);
      to.once('close', () => {
        clearTimeout(fallback);
        done();
      });
      to.end(chunk.subarray(0, at));
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
    // Once a cut is under way, the half that carries the cut frame closes on its own.
    const onClose = (): void => {
      if (link.cut) links.delete(link);
      // A FIN lost in the blackhole: the other side finds out when it next sends.
      else if (proxy.blackhole && !(client.destroyed && upstream.destroyed)) return;
      else destroy(link);
    };
    client.once('close', onClose);
    upstream.once('close', onClose);
  });
  server.listen(0, LOOPBACK);
  await once(server, 'listening');

  const proxy: CutProxy = {
    port: (server.address() as AddressInfo).port,
    get cuts() {
      return cuts;
    },
    refuse: false,
    blackhole: false,
    cutNow() {
      for (const link of [...links]) {
        cuts += 1;
        destroy(link);
      }
    },
    cutClientSide() {
      for (const link of [...links]) {
        cuts += 1;
        link.cut = true;
        link.client.destroy();
      }
    },
    cutMidFrame() {
      // Alternate where in the frame the cut lands, and pass a varying number of whole frames first.
      generation += 1;
      const plan: CutPlan = { generation, inside: cuts % 2 === 0 ? 'body' : 'length', skip: (cuts * 37) % 90 };
      return new Promise<void>((resolve) => (armed = { plan, done: resolve }));
    },
    async close() {
      armed = undefined;
      for (const link of [...links]) destroy(link);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}

/** Proxies a test file opens, remembered so one `closeAll()` (in `afterEach`) closes them. */
export interface CutProxies {
  /** A new proxy in front of `127.0.0.1:targetPort`. */
  to(targetPort: number): Promise<CutProxy>;
  closeAll(): Promise<void>;
}

export function cutProxies(): CutProxies {
  const open: CutProxy[] = [];
  return {
    async to(targetPort) {
      const proxy = await cutProxy(targetPort);
      open.push(proxy);
      return proxy;
    },
    async closeAll() {
      await Promise.all(open.splice(0).map((p) => p.close()));
    },
  };
}
