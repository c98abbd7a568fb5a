export { defaultCacheDir } from '../io/cache-dir.js';
export {
  DATA_FILE,
  deleteTranslationMemory,
  emptyMemoryStats,
  openTranslationMemory,
  type MemoryRecord,
  type TranslationMemoryStats,
  type TranslationMemoryStore,
} from './translation-memory.js';
export {
  checkRedisMemory,
  DEFAULT_REDIS_MEMORY_PREFIX,
  openRedisTranslationMemory,
  redactRedisUrl,
  redisClientOptions,
  type RedisMemoryOptions,
  type RedisMemoryStats,
  type RedisTranslationMemory,
} from './redis-memory.js';
export { isDamagedMemory } from './memory-errors.js';
