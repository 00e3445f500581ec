import { Test, type TestingModule } from '@nestjs/testing';
import { ConfigModule, loadConfig } from '@switchyard/config';
import { parseManifestBody, validateManifests } from '@switchyard/engine';
import { ClusterStore, ObjectStore, PersistenceModule, PrismaService } from '@switchyard/persistence';
import { inject } from 'vitest';

export interface PersistenceUnderTest {
  moduleRef: TestingModule;
  prisma: PrismaService;
  clusters: ClusterStore;
  objects: ObjectStore;
  close(): Promise<void>;
}

/** The persistence layer on this run's throwaway, migrated database. */
export async function startPersistence(): Promise<PersistenceUnderTest> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot({ ...loadConfig({}), databaseUrl: inject('databaseUrl') }), PersistenceModule],
  }).compile();
  await moduleRef.init();
  return {
    moduleRef,
    prisma: moduleRef.get(PrismaService),
    clusters: moduleRef.get(ClusterStore),
    objects: moduleRef.get(ObjectStore),
    close: () => moduleRef.close(),
  };
}

/** Validated objects of a YAML body, as the object store takes them. */
export const manifests = (yaml: string) => validateManifests(parseManifestBody(yaml, 'yaml')).objects;
