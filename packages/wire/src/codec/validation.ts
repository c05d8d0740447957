import { BadDataError } from '@oon/core';

/** The part of class-validator's error OON reads. */
interface ValidationError {
  readonly property: string;
  readonly constraints?: Record<string, string>;
  readonly children?: ValidationError[];
}

/** The part of class-validator OON calls. */
interface ClassValidator {
  getMetadataStorage(): {
    getTargetValidationMetadatas(target: Function, schema: string, always: boolean, strictGroups: boolean): unknown[];
  };
  validateSync(object: object, options: { forbidUnknownValues: boolean }): ValidationError[];
}

/**
 * class-validator is an optional peer dependency, loaded at the first class revived with
 * `validate` on: a project without it has no class that carries its decorators, so there
 * is nothing to validate. `null` once it is known to be missing.
 */
let classValidator: ClassValidator | null | undefined;

function loadClassValidator(): ClassValidator | null {
  if (classValidator === undefined) {
    try {
      classValidator = require('class-validator') as ClassValidator;
    } catch (error) {
      // Only its absence means "nothing to validate"; a broken install must not pass silently.
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' || !String((error as Error).message).includes("'class-validator'")) throw error;
      classValidator = null;
    }
  }
  return classValidator;
}

/** Whether a class carries class-validator decorators (own or inherited), cached per class. */
const validated = new WeakMap<Function, boolean>();

/**
 * True when instances of `ctor` are to be validated after revival: the class (or a base
 * class) has class-validator metadata. Looked up once per class.
 */
export function hasValidation(ctor: Function): boolean {
  let known = validated.get(ctor);
  if (known === undefined) {
    const validator = loadClassValidator();
    known = validator !== null && validator.getMetadataStorage().getTargetValidationMetadatas(ctor, '', true, false).length > 0;
    validated.set(ctor, known);
  }
  return known;
}

/**
 * Validates revived instances with class-validator's `validateSync`; the first failure
 * is a `BadData` naming the class, the field and the constraint, e.g.
 * `Car.speed fails min: speed must not be less than 0`.
 */
export function validateRevived(objects: readonly object[]): void {
  for (const object of objects) {
    // Only instances hasValidation() accepted get here, so class-validator is loaded.
    const errors = (loadClassValidator() as ClassValidator).validateSync(object, { forbidUnknownValues: false });
    if (errors.length > 0) throw validationFailure(object.constructor.name, errors);
  }
}

function validationFailure(className: string, errors: readonly ValidationError[]): BadDataError {
  let where = className;
  let error = errors[0] as ValidationError;
  // A nested (@ValidateNested) failure carries its constraint on a child.
  while (error.constraints === undefined && error.children !== undefined && error.children.length > 0) {
    where += `.${error.property}`;
    error = error.children[0] as ValidationError;
  }
  const [constraint, text] = Object.entries(error.constraints ?? { invalid: 'is invalid' })[0] as [string, string];
  return new BadDataError(
    `${where}.${error.property} fails ${constraint}: ${text}; the message was not delivered (class-validator)`,
  );
}
