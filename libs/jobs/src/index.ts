export * from './job-queue';
export * from './job-registry';
export * from './jobs.module';
export * from './redis-connection';
