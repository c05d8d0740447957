import type { ClassValidatorModule } from './class-validator-module';

/**
 * Loads class-validator, an optional peer dependency, in Node: `null` when it is not
 * installed (a project without it has no class carrying its decorators, so there is
 * nothing to validate). A bundler building for the browser swaps this module for
 * `class-validator-loader-browser` (the package's `browser` map), so that a static
 * `require` here does not pull class-validator into every page.
 */
export function loadClassValidator(): ClassValidatorModule | null {
  try {
    return require('class-validator') as ClassValidatorModule;
  } catch (error) {
    // Only its absence means "nothing to validate"; a broken install must not pass silently.
    if ((error as { code?: unknown }).code !== 'MODULE_NOT_FOUND' || !String((error as Error).message).includes("'class-validator'")) throw error;
    return null;
  }
}
