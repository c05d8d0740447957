/**
 * The browser bench's page: the sending side of `pnpm bench:browser`. It speaks each
 * transport as a web app would (OonClient over the browser's WebSocket, socket.io's
 * client, a bare WebSocket with JSON), and sends and times on its own, so the bench's
 * calls through playwright add nothing to what is measured.
 */
import { OonClient } from '@oon/client';
import { io, type Socket } from 'socket.io-client';
import { FordTruck, reviveTruck, smallGraph } from './model';
import type { PageApi, PageTransport } from './page-api';

declare global {
  interface Window {
    oonTest: PageApi;
  }
}

/** One transport's link, as the loops below drive it. */
interface Link {
  /** Sends `count` messages, resolving when the transport can take more. */
  sendBurst(object: FordTruck, count: number): Promise<void>;
  /** One request; resolves with the revived reply. */
  request(object: FordTruck): Promise<unknown>;
  close(): Promise<void>;
}

/** Yields to the event loop without the 4 ms clamp nested `setTimeout(0)` gets. */
const channel = new MessageChannel();
const yielded: Array<() => void> = [];
channel.port1.onmessage = () => yielded.shift()?.();
function yieldTask(): Promise<void> {
  return new Promise((resolve) => {
    yielded.push(resolve);
    channel.port2.postMessage(null);
  });
}

async function oonLink(port: number): Promise<Link> {
  const client = new OonClient({ url: `ws://127.0.0.1:${port}/` });
  await client.connect();
  return {
    sendBurst(object, count) {
      let last: Promise<void> = Promise.resolve();
      for (let i = 0; i < count; i++) last = client.send(object);
      return last;
    },
    request: (object) => client.request(object, { reply: FordTruck }),
    close: () => client.close(),
  };
}

async function socketIoLink(port: number): Promise<Link> {
  const socket: Socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const engine = socket.io.engine;
  return {
    async sendBurst(object, count) {
      for (let i = 0; i < count; i++) socket.emit('truck', object);
      // engine.io buffers what the socket cannot take yet; wait for it to drain, as in bench/src/transport/socket-io.ts.
      if (engine.writeBuffer.length > 0) await new Promise<void>((resolve) => engine.once('drain', () => resolve()));
      else await yieldTask();
    },
    request: (object) => new Promise((resolve) => socket.emit('request', object, (reply: unknown) => resolve(reviveTruck(reply)))),
    async close() {
      socket.disconnect();
    },
  };
}

/** How far ahead of the network a bare WebSocket sender runs before it waits: what the OS socket buffer would hold. */
const WS_AHEAD_BYTES = 1 << 20;

async function wsLink(port: number): Promise<Link> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}`);
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error(`ws://127.0.0.1:${port} refused the WebSocket`));
  });
  const pending = new Map<number, (reply: unknown) => void>();
  let nextId = 0;
  socket.onmessage = ({ data }) => {
    const envelope = JSON.parse(String(data)) as { id: number; body: unknown };
    const resolve = pending.get(envelope.id);
    pending.delete(envelope.id);
    resolve?.(reviveTruck(envelope.body));
  };
  return {
    async sendBurst(object, count) {
      for (let i = 0; i < count; i++) socket.send(JSON.stringify({ body: object }));
      // A browser's WebSocket has no write callback: wait while it holds more than a socket buffer.
      do await yieldTask();
      while (socket.bufferedAmount > WS_AHEAD_BYTES);
    },
    request(object) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, body: object }));
      });
    },
    async close() {
      socket.close();
    },
  };
}

const CONNECT: Record<PageTransport, (port: number) => Promise<Link>> = {
  'OON (binary, WebSocket)': oonLink,
  'socket.io': socketIoLink,
  'ws + JSON': wsLink,
};

const links = new Map<PageTransport, Link>();

function linkOf(transport: PageTransport): Link {
  const link = links.get(transport);
  if (link === undefined) throw new Error(`connect('${transport}', port) first`);
  return link;
}

window.oonTest = {
  async connect(transport, port) {
    await links.get(transport)?.close();
    links.set(transport, await CONNECT[transport](port));
  },

  async sendFor(transport, burst, ms) {
    const link = linkOf(transport);
    const message = smallGraph();
    const start = performance.now();
    let sent = 0;
    while (performance.now() - start < ms) {
      await link.sendBurst(message, burst);
      sent += burst;
    }
    return sent;
  },

  async timeRequests(transport, count) {
    const link = linkOf(transport);
    const message = smallGraph();
    const first = await link.request(message);
    if (!(first instanceof FordTruck) || first.trailer?.carInside?.speed !== 35) throw new Error(`${transport}: the reply is not the revived FordTruck`);
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      await link.request(message);
      times.push(performance.now() - start);
    }
    return times;
  },

  async close(transport) {
    await links.get(transport)?.close();
    links.delete(transport);
  },
};
