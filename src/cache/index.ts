export { defaultCacheDir } from '../io/cache-dir.js';
export {
  DATA_FILE,
  deleteTranslationMemory,
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
