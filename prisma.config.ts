import path from 'node:path';
import { defineConfig } from 'prisma/config';

// No network on our build machines: run Prisma's wasm schema engine through a local stand-in
// instead of downloading the native binary. A machine with the native engine can still point
// PRISMA_SCHEMA_ENGINE_BINARY at it.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(__dirname, 'prisma/tools/schema-engine-wasm.mjs');

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/switchyard' },
});
