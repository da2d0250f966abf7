import { defineConfig } from 'vitest/config';

/**
 * Projects (style.md §3.7): `unit` needs no services (pure modules, knowledge, evaluation sets,
 * adapters against local fake platform servers);
 * `integration` runs the HTTP app in-process on an ephemeral port, and later real Redis;
 * `e2e` drives the web widget in a real headless browser;
 * `faults` injects faults into the running system (`npm run test:faults`, after the others).
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
          // The evaluation sets run the whole catalog: seconds when idle, more while CI runs other suites.
          testTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          globals: false,
          // Generous: the suite must hold on a busy 2-core machine (a passing test ends as soon as it can).
          testTimeout: 60_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Real headless Chromium (Debian's /usr/bin/chromium, scripts/ensure-chromium.sh) driven by playwright-core;
        // two files (two browsers) at a time, after the unit and integration files (a group of its own: vitest
        // runs projects with different maxWorkers as separate groups).
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globals: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        // Fault injection (issue 14, `npm run test:faults`): private Redis and FerretDB processes stopped,
        // flushed and restarted, fake platforms failing; one file at a time, each prints into the report.
        test: {
          name: 'faults',
          include: ['tests/faults/**/*.faults.test.ts'],
          environment: 'node',
          globals: false,
          testTimeout: 240_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
