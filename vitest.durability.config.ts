import { defineConfig } from 'vitest/config';

/**
 * `npm run test:durability`: the durability suite — real app processes killed with SIGKILL, several processes
 * on one DynamoDB (dynalite in its own process), DynamoDB faults, the Lambda handlers over a failing queue.
 * Files run one at a time: each starts its own processes, and the machine has few cores.
 */
export default defineConfig({
  test: {
    include: ['test/durability/**/*.durability.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
