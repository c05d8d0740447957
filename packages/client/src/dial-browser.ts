import { BadConnError } from '@oon/core';
import { WebSocketTransport, type WebSocketLike } from '@oon/wire/internal';
import type { Dialing } from './dial';
import type { ResolvedClientOptions } from './options';

/**
 * What this module uses of a browser's global `WebSocket`, declared here because the
 * client compiles without the DOM's types: the part `WebSocketTransport` reads, and the
 * opening events.
 */
type BrowserWebSocket = WebSocketLike & {
  addEventListener(type: 'open', listener: () => void, options: { once: boolean }): void;
  addEventListener(type: 'close', listener: (event: { readonly code: number }) => void, options: { once: boolean }): void;
  removeEventListener(type: 'close', listener: (event: { readonly code: number }) => void): void;
};
declare const WebSocket: new (url: string) => BrowserWebSocket;

const BROWSER_NEEDS_URL = "in a browser OonClient connects over WebSocket only: pass url ('ws://host:port/path' or 'wss://…'), not host/port or path";

/**
 * The browser's `dial`: the client's `package.json` `browser` map puts this module in
 * place of `dial.ts`, so no Node built-in (nor the `ws` library) reaches a page. A
 * browser reaches a server over its global `WebSocket` only; the rest of the client
 * runs unchanged over the transport.
 */
export function dial(options: ResolvedClientOptions, where: string): Dialing {
  const { url } = options;
  // The constructor refused this already (checkDialOptions).
  if (url === undefined) return { connected: Promise.reject(new TypeError(BROWSER_NEEDS_URL)), cancel: () => {} };
  const socket = new WebSocket(url);
  const connected = new Promise<WebSocketTransport>((resolve, reject) => {
    const refused = ({ code }: { readonly code: number }): void => {
      // A browser tells a page nothing of why (its console does): say what to check.
      reject(
        new BadConnError(
          `cannot connect to ${where}: the WebSocket closed (code ${code}) before it opened; is the server running, with websocket at that path, and does its origin check let this page in?`,
        ),
      );
    };
    socket.addEventListener('close', refused, { once: true });
    socket.addEventListener(
      'open',
      () => {
        socket.removeEventListener('close', refused);
        resolve(new WebSocketTransport(socket));
      },
      { once: true },
    );
  });
  return { connected, cancel: () => socket.close() };
}

/** Refuses, in the constructor, what a browser cannot dial: no `url`, or Node's `tls` options. */
export function checkDialOptions(options: ResolvedClientOptions): void {
  if (options.url === undefined) throw new TypeError(BROWSER_NEEDS_URL);
  if (options.tls !== undefined) {
    throw new TypeError("tls takes Node's TLS options: in a browser a wss:// url is verified against the browser's own trusted certificates");
  }
}
