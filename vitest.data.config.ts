import { defineConfig } from 'vitest/config';

// Second suite: reads ../shared (evaluation sets, real articles, the seed article).
export default defineConfig({
  test: {
    include: ['tests/data/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
