import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Tests bind loopback servers on random ports; files run in parallel across the 2 CI cores.
    pool: 'forks',
  },
});
