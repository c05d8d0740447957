export { ResultCode, ERROR_CODES, isErrorCode } from './result-code';
export type { ErrorCode } from './result-code';
export {
  OonError,
  StartFailError,
  StopFailError,
  BadDataError,
  BadConnError,
  TimeoutError,
  createOonError,
} from './errors';
export type { JsonValue, OonErrorOptions } from './errors';
export { t, isTypeDescriptor } from './type-spec';
export type {
  NetClassType,
  EnumObject,
  PrimitiveKind,
  PrimitiveSpec,
  ArraySpec,
  SetSpec,
  MapSpec,
  MapKeySpec,
  WrapperSpec,
  TypeDescriptor,
  TypeSpec,
  TypeThunk,
} from './type-spec';
export { describeType } from './field-type';
export type {
  FieldType,
  PrimitiveFieldType,
  EnumFieldType,
  ClassFieldType,
  ArrayFieldType,
  SetFieldType,
  MapFieldType,
  OptionalFieldType,
  FieldSchema,
  ClassSchema,
} from './field-type';
export { NetClass, NetField } from './decorators';
export type { NetClassOptions, NetFieldOptions, NetClassDecorator, NetFieldDecorator } from './decorators';
export { Registry, defaultRegistry, registerEnum, compareCodePoints } from './registry';
export type { RegisterOptions } from './registry';
export { NetMessage, newMessageId, type MessageIdPrefix } from './net-message';
export type { NetMessageOptions } from './net-message';
export { createInstance, isSameOrSubclass } from './object-model';
