export {
  DATA_FILE,
  defaultCacheDir,
  openTranslationMemory,
  type MemoryRecord,
  type TranslationMemoryStats,
  type TranslationMemoryStore,
} from './translation-memory.js';
