import { defineConfig } from 'vitest/config';

// Unit tests of the shared packages and the merchant app's logic (node environment: no browser needed; the
// browser tests are in tests/browser and run against the real platform).
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'merchant/lib/**/*.test.ts', 'tests/unit/**/*.test.ts'],
    environment: 'node',
    reporters: ['default'],
  },
});
