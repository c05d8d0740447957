import { BadDataError } from '@oon/core';
import { loadClassValidator } from './class-validator-loader';
import type { ClassValidatorModule, ValidationError } from './class-validator-module';

/**
 * The class-validator module: the one handed to `useClassValidator`, else the one the
 * loader finds at the first class revived with `validate` on. `null` once it is known
 * to be missing.
 */
let classValidator: ClassValidatorModule | null | undefined;

/** Whether a class carries class-validator decorators (own or inherited), cached per class. */
let validated = new WeakMap<Function, boolean>();

function validator(): ClassValidatorModule | null {
  if (classValidator === undefined) classValidator = loadClassValidator();
  return classValidator;
}

/**
 * Hands OON the class-validator module to validate revived objects with. Node loads it
 * by itself (it is an optional peer dependency); a browser build does not, so that a page
 * without class-validator does not ship it: a page whose classes carry its decorators
 * calls this once, before receiving.
 *
 * @example
 * ```ts fragment
 * import * as classValidator from 'class-validator';
 * useClassValidator(classValidator);
 * ```
 */
export function useClassValidator(module: ClassValidatorModule): void {
  if (typeof module?.validateSync !== 'function' || typeof module.getMetadataStorage !== 'function') {
    throw new TypeError("useClassValidator takes the class-validator module: import * as classValidator from 'class-validator'");
  }
  classValidator = module;
  validated = new WeakMap();
}

/**
 * True when instances of `ctor` are to be validated after revival: the class (or a base
 * class) has class-validator metadata. Looked up once per class.
 */
export function hasValidation(ctor: Function): boolean {
  let known = validated.get(ctor);
  if (known === undefined) {
    const module = validator();
    known = module !== null && module.getMetadataStorage().getTargetValidationMetadatas(ctor, '', true, false).length > 0;
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
    const errors = (validator() as ClassValidatorModule).validateSync(object, { forbidUnknownValues: false });
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
