/** The part of class-validator's error OON reads. */
export interface ValidationError {
  /** The property that failed. */
  readonly property: string;
  /** The constraints it failed, by name (`min`), each with its message. */
  readonly constraints?: Record<string, string>;
  /** Failures inside a nested object (`@ValidateNested`). */
  readonly children?: ValidationError[];
}

/**
 * The part of the `class-validator` module OON calls: pass the module itself
 * (`import * as classValidator from 'class-validator'`) to `useClassValidator`.
 */
export interface ClassValidatorModule {
  /** class-validator's metadata storage, where its decorators record their constraints. */
  getMetadataStorage(): {
    /** The constraints recorded for `target` (and its base classes). */
    getTargetValidationMetadatas(target: Function, schema: string, always: boolean, strictGroups: boolean): unknown[];
  };
  /** Validates one object against its class's constraints. */
  validateSync(object: object, options: { forbidUnknownValues: boolean }): ValidationError[];
}
