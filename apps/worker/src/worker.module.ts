import { type DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, ConfigModule, type AppConfig } from '@switchyard/config';
import { JobsModule } from '@switchyard/jobs';
import { PersistenceModule } from '@switchyard/persistence';
import { LoggerModule } from 'nestjs-pino';
import { QueueWorkers } from './queue-workers';
import { AuditSchedules } from './audit/audit-schedules';
import { AuditService } from './audit/audit.service';
import { ClusterModelCache } from './recompute/cluster-model-cache';
import { AnalysisThread } from './recompute/analysis-thread-client';
import { ConnectivityService } from './recompute/connectivity.service';
import { RecomputeService } from './recompute/recompute.service';
import { SnapshotWriter } from './recompute/snapshot-writer';

@Module({})
export class WorkerModule {
  static forRoot(overrides: Partial<AppConfig> = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(overrides),
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({ pinoHttp: { level: config.logLevel } }),
        }),
        PersistenceModule,
        JobsModule,
      ],
      providers: [ClusterModelCache, AnalysisThread, ConnectivityService, SnapshotWriter, RecomputeService, AuditService, AuditSchedules, QueueWorkers],
    };
  }
}
