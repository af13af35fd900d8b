import { defineConfig } from 'vitest/config';
import SummaryReporter from './test/support/summary-reporter.js';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores here: end-to-end tests spawn real CLIs, so keep the worker count modest.
    maxWorkers: 2,
    reporters: ['default', new SummaryReporter()],
  },
});
