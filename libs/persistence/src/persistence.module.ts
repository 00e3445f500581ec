import { Global, Module } from '@nestjs/common';
import { ClusterStore } from './cluster-store';
import { ObjectStore } from './object-store';
import { PrismaService } from './prisma.service';
import { RevisionHistory } from './revision-history';

@Global()
@Module({
  providers: [PrismaService, ClusterStore, ObjectStore, RevisionHistory],
  exports: [PrismaService, ClusterStore, ObjectStore, RevisionHistory],
})
export class PersistenceModule {}
