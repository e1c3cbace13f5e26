import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/no-network.ts', 'test/setup/temp-root.ts'],
    // Tests use injected clocks; a test that needs more than this is a bug, not a slow machine.
    testTimeout: 20_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
