/** The part of class-validator's error OON reads. */
export interface ValidationError {
  readonly property: string;
  readonly constraints?: Record<string, string>;
  readonly children?: ValidationError[];
}

/**
 * The part of the `class-validator` module OON calls: pass the module itself
 * (`import * as classValidator from 'class-validator'`) to `useClassValidator`.
 */
export interface ClassValidatorModule {
  /** class-validator's metadata storage, where its decorators record their constraints. */
  getMetadataStorage(): {
    getTargetValidationMetadatas(target: Function, schema: string, always: boolean, strictGroups: boolean): unknown[];
  };
  /** Validates one object against its class's constraints. */
  validateSync(object: object, options: { forbidUnknownValues: boolean }): ValidationError[];
}
