import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests share one Kafka broker and one MLflow server; running
    // files one at a time keeps their timings honest on a 2-core machine.
    fileParallelism: false,
  },
});
