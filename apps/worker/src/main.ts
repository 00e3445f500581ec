import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '@switchyard/config';
import { Logger } from 'nestjs-pino';
import { lowerHelperThreadsPriority } from './process-priority';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(), { bufferLogs: true });
  lowerHelperThreadsPriority(app.get<AppConfig>(APP_CONFIG).workerNiceness);
  app.useLogger(app.get(Logger));
  // SIGTERM/SIGINT close the BullMQ workers: the active job finishes or is retried elsewhere.
  app.enableShutdownHooks();
  // Closing a BullMQ worker can hang while Redis is unreachable: never outlive a stop request by long.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), 15_000).unref());
  }
  await app.init();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
