import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, ConfigModule, type AppConfig } from '@switchyard/config';
import { assertOneHandlerPerJob, createRedisConnection, JobsModule, QueueName } from '@switchyard/jobs';
import { PersistenceModule } from '@switchyard/persistence';
import { LoggerModule } from 'nestjs-pino';
import { RecomputeProcessor } from './recompute/recompute.processor';
import { RecomputeService } from './recompute/recompute.service';

const PROCESSORS = [RecomputeProcessor];

@Module({})
export class WorkerModule implements OnApplicationBootstrap {
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
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            connection: createRedisConnection(config.redisUrl, 'switchyard-worker'),
            prefix: config.queuePrefix,
          }),
        }),
        BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name }))),
      ],
      providers: [RecomputeService, ...PROCESSORS],
    };
  }

  onApplicationBootstrap(): void {
    assertOneHandlerPerJob(PROCESSORS.flatMap((processor) => [...processor.handles]));
  }
}
