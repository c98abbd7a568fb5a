import { defineConfig } from 'vitest/config';

// Default suite: needs nothing beyond the repo itself (builder models are generated in setup).
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
