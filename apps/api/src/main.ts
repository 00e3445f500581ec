import 'reflect-metadata';
import { APP_CONFIG, type AppConfig } from '@switchyard/config';
import { createApiApp } from './api-app';

async function main(): Promise<void> {
  const app = await createApiApp();
  const config = app.get<AppConfig>(APP_CONFIG);
  await app.listen(config.port);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
