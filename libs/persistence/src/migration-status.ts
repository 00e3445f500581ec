import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { PrismaService } from './prisma.service';

/** Finds `prisma/migrations` from wherever the code runs (sources under test, dist when built). */
function migrationsDirectory(): string | undefined {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export interface MigrationStatus {
  expected: number;
  applied: number;
  pending: string[];
}

/** Compares the migrations shipped with the code to those the database has finished. */
export async function migrationStatus(prisma: PrismaService): Promise<MigrationStatus> {
  const dir = migrationsDirectory();
  const expected = dir
    ? readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort()
    : [];
  const rows = await prisma.$queryRaw<{ migration_name: string }[]>`
    SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  const applied = new Set(rows.map((r) => r.migration_name));
  return { expected: expected.length, applied: applied.size, pending: expected.filter((m) => !applied.has(m)) };
}
