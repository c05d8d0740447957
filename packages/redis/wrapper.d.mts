// Types of the ESM entry (wrapper.mjs), which re-exports the CommonJS build's bindings.
export * from './dist/index.js';
