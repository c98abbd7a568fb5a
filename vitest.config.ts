import { defineConfig } from 'vitest/config';

// Default suite: needs nothing beyond the repo itself (builder models are generated in setup).
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    // Generous: a loaded 2-core machine runs the heavy tests 3× slower (speed is benchmarked, not tested).
    testTimeout: 240_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
