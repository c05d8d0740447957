// ESM entry: re-exports the CommonJS build so `import` and `require` share one module instance.
import client from './dist/index.js';

export const { OonClient, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_CONNECT_TIMEOUT, resolveClientOptions, DEFAULT_RECONNECT_INITIAL_DELAY, DEFAULT_RECONNECT_MAX_DELAY, useClassValidator, useJsonCodec } = client;
