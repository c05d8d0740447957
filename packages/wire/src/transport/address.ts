/** Where an endpoint listens or dials: TCP `host`/`port`, or a Unix socket `path`. */
export interface EndpointAddress {
  host?: string;
  port?: number;
  path?: string;
}

/**
 * Checks the `path` option both endpoints take: a non-empty string, and not given with
 * `host` or `port`. Throws `TypeError` on a caller mistake.
 */
export function checkSocketPath(options: EndpointAddress): void {
  const { path } = options;
  if (path === undefined) return;
  if (typeof path !== 'string' || path === '') throw new TypeError('path must be a non-empty string');
  if (options.host !== undefined || options.port !== undefined) {
    throw new TypeError('pass either `path` (a Unix socket) or `host`/`port` (TCP), not both');
  }
}
