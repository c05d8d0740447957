// ESM entry: re-exports the CommonJS build so `import` and `require` share one module instance.
import nestjs from './dist/index.js';

export const { OonTransport, OON_TRANSPORT, OonClientProxy, OonContext, NestCall, NestReply, NestValue } = nestjs;
