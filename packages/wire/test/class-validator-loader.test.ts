/**
 * The browser build's class-validator loader (swapped in by the package's `browser` map;
 * test/browser checks the swap in a real bundle): it bundles no class-validator, finds
 * decorated classes through class-validator's global storage, and refuses to deliver
 * them unvalidated. `useClassValidator` hands the module over.
 */
import { Min } from 'class-validator';
import * as classValidator from 'class-validator';
import { BadDataError } from '@oon/core';
import { useClassValidator } from '@oon/wire';
import { loadClassValidator } from '../src/codec/class-validator-loader-browser';

class Checked {
  @Min(0) speed = -1;
}

class Plain {
  speed = -1;
}

type StorageHolder = { classValidatorMetadataStorage?: unknown };

describe('the browser class-validator loader', () => {
  it('finds nothing to validate when the page loaded no class-validator', () => {
    const holder = globalThis as StorageHolder;
    const storage = holder.classValidatorMetadataStorage;
    delete holder.classValidatorMetadataStorage;
    try {
      expect(loadClassValidator()).toBeNull();
    } finally {
      holder.classValidatorMetadataStorage = storage;
    }
  });

  it("sees a page's decorated classes through class-validator's global storage, and refuses them until useClassValidator", () => {
    const standIn = loadClassValidator();
    expect(standIn).not.toBeNull();
    const storage = standIn!.getMetadataStorage();
    expect(storage.getTargetValidationMetadatas(Checked, '', true, false)).not.toHaveLength(0);
    expect(storage.getTargetValidationMetadatas(Plain, '', true, false)).toHaveLength(0);
    let caught: unknown;
    try {
      standIn!.validateSync(new Checked(), { forbidUnknownValues: false });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BadDataError);
    expect((caught as Error).message).toBe(
      "Checked carries class-validator decorators, but OON's browser build does not load class-validator by itself: " +
        "call useClassValidator(classValidator) once, with `import * as classValidator from 'class-validator'`; the message was not delivered",
    );
  });
});

describe('useClassValidator()', () => {
  it('takes the class-validator module, and throws TypeError for anything else', () => {
    expect(() => useClassValidator(classValidator)).not.toThrow();
    expect(() => useClassValidator({} as never)).toThrow(new TypeError("useClassValidator takes the class-validator module: import * as classValidator from 'class-validator'"));
  });
});
