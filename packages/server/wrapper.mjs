// ESM entry: re-exports the CommonJS build so `import` and `require` share one module instance.
import server from './dist/index.js';

export const {
  OonServer, Peer, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_CONNECTIONS, DEFAULT_BACKLOG, DEFAULT_MAX_SESSIONS,
  DEFAULT_MAX_HANDSHAKING, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, DEFAULT_MAX_HANDSHAKING_PER_ADDRESS, resolveServerOptions,
} = server;
