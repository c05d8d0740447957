import { BadDataError } from '@oon/core';
import type { ClassValidatorModule } from './class-validator-module';

/** Where class-validator keeps its metadata storage, shared by every copy of it in a page. */
interface ClassValidatorGlobal {
  classValidatorMetadataStorage?: ReturnType<ClassValidatorModule['getMetadataStorage']>;
}

/**
 * The browser build's stand-in for `class-validator-loader` (see the package's `browser`
 * map): it bundles no class-validator. If the page loaded none, no class carries its
 * decorators and there is nothing to validate (`null`). If the page did, its decorated
 * classes are found through class-validator's global metadata storage, and receiving one
 * fails with `BadData` until the app hands the module over with `useClassValidator`:
 * an object is never delivered unvalidated.
 */
export function loadClassValidator(): ClassValidatorModule | null {
  const storage = (globalThis as ClassValidatorGlobal).classValidatorMetadataStorage;
  if (storage === undefined) return null;
  return {
    getMetadataStorage: () => storage,
    validateSync(object) {
      throw new BadDataError(
        `${object.constructor.name} carries class-validator decorators, but OON's browser build does not load class-validator by itself: ` +
          "call useClassValidator(classValidator) once, with `import * as classValidator from 'class-validator'`; the message was not delivered",
      );
    },
  };
}
