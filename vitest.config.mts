import path from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// Nest relies on legacy decorators and emitted metadata, which esbuild does not produce: swc does.
const decorators = swc.vite({
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'es6' },
});

const alias = {
  '@switchyard/engine': path.resolve(import.meta.dirname, 'libs/engine/src'),
  '@switchyard/persistence': path.resolve(import.meta.dirname, 'libs/persistence/src'),
  '@switchyard/jobs': path.resolve(import.meta.dirname, 'libs/jobs/src'),
  '@switchyard/config': path.resolve(import.meta.dirname, 'libs/config/src'),
};

export default defineConfig({
  plugins: [decorators],
  resolve: { alias },
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        plugins: [decorators],
        resolve: { alias },
        test: { name: 'unit', include: ['libs/**/*.test.ts', 'apps/**/*.test.ts', 'test/architecture/**/*.test.ts', 'test/conformance/**/*.test.ts'], environment: 'node' },
      },
      {
        plugins: [decorators],
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['./test/support/throwaway-database.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        plugins: [decorators],
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['./test/support/throwaway-database.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
