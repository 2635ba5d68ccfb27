export { readDocument, type ReadOptions } from './reader.ts';
export { defaultVocabulary, makeVocabulary, type Vocabulary } from './vocabulary.ts';
export type * from './types.ts';
export { importFile, importBytes } from './importer.ts';
