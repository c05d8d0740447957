// ESM entry: re-exports the CommonJS build so `import` and `require` share one
// module instance (one class registry, one OonError class).
import core from './dist/index.js';

export const {
  ResultCode, ERROR_CODES, isErrorCode, OonError, StartFailError, StopFailError, BadDataError, BadConnError,
  TimeoutError, createOonError, t, isTypeDescriptor, describeType, NetClass, NetField, Registry, defaultRegistry,
  registerEnum, compareCodePoints, NetMessage, newMessageId, createInstance, isSameOrSubclass,
} = core;
