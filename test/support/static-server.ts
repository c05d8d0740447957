/**
 * A tiny HTTP server on 127.0.0.1 serving a few files held in memory: the test page and
 * its bundle. Anything else is a 404.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A file the server answers with. */
export interface StaticFile {
  readonly type: string;
  readonly body: string | Uint8Array;
  /** More response headers, such as the two that make a page cross-origin isolated. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A running static server; `close()` ends it and every connection it holds. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves `files` (keyed by URL path, such as `/index.html`) on a free loopback port. */
export async function serveStatic(files: Readonly<Record<string, StaticFile>>): Promise<StaticServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const file = files[path];
    if (file === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`${path} not found`);
      return;
    }
    response.writeHead(200, { ...file.headers, 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An HTML page that runs `script` (an IIFE bundle) and shows `body`. */
export function htmlPage(title: string, script: string, body = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${title}</title></head><body>${body}<script src="${script}"></script></body></html>`;
}
