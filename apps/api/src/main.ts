import 'reflect-metadata';
import { APP_CONFIG, type AppConfig } from '@switchyard/config';
import { createApiApp } from './api-app';

async function main(): Promise<void> {
  const app = await createApiApp();
  const config = app.get<AppConfig>(APP_CONFIG);
  // Every interface, as a service in a container must (Fastify alone would listen on localhost).
  await app.listen(config.port, '0.0.0.0');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
