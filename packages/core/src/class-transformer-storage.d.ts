// class-transformer ships no types beside its CommonJS storage module, which core imports by
// its file (see transformer-metadata.ts): they are the ones of its `types/` folder.
declare module 'class-transformer/cjs/storage.js' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
