import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    // The exhaustive 16-bit and reference tests are CPU-bound; two cores, two workers.
    maxWorkers: 2,
    testTimeout: 120_000,
  },
});
