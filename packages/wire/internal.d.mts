// Types of the ESM entry of `@oon/wire/internal` (internal.mjs).
export * from './dist/internal.js';
