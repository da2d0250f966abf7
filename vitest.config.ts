import { defineConfig } from 'vitest/config';

/**
 * Two projects (style.md §3.7): `unit` needs no services (pure modules, knowledge, evaluation sets,
 * adapters against local fake platform servers);
 * `integration` runs the HTTP app in-process on an ephemeral port, and later real Redis.
 * Run one with `npx vitest run --project unit`.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/adapters/**/*.test.ts'],
          environment: 'node',
          globals: false,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          globals: false,
          testTimeout: 15_000,
        },
      },
    ],
  },
});
