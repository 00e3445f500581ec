import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

/**
 * The full migrate cycle on every run: the throwaway database was built by `migrate deploy`
 * (globalSetup); here the migrations must describe exactly the schema, so a schema change
 * without its migration fails the build. Prisma's schema engine runs offline (prisma/tools).
 */
describe('migrations', () => {
  it('have no drift from prisma/schema.prisma', () => {
    const result = spawnSync(
      'npx',
      ['prisma', 'migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema', 'prisma/schema.prisma', '--exit-code'],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: inject('databaseUrl') }, encoding: 'utf8', timeout: 120_000 },
    );
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/No difference detected/);
  }, 150_000);
});
