import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { APP_CONFIG, type AppConfig } from '@switchyard/config';
import express from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { graphqlExplorer } from './graphql/graphiql-explorer';
import { PrototypedExpressAdapter } from './http/prototyped-express-adapter';

/** Apply bodies are read as text (YAML or JSON) so the engine can report lines and columns. */
const APPLY_ROUTE = /^\/api\/v1\/clusters\/[^/]+\/(apply|whatif)\/?$/;

/** Builds the API application, ready to listen; tests build it the same way. */
export async function createApiApp(overrides: Partial<AppConfig> = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(overrides), new PrototypedExpressAdapter(), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  // Answers are computed per revision and carry it; hashing every body for an ETag cost more per
  // question than answering it. Nor does the server name its framework.
  (app.getHttpAdapter().getInstance() as express.Express).set('etag', false).disable('x-powered-by');
  const config = app.get<AppConfig>(APP_CONFIG);
  const limit = config.bodyLimitBytes;
  app.use((request: express.Request, response: express.Response, next: express.NextFunction) =>
    APPLY_ROUTE.test(request.path) ? express.text({ type: () => true, limit })(request, response, next) : next(),
  );
  app.use(express.json({ limit, type: ['application/json', 'application/*+json'] }));
  app.use(graphqlExplorer('/graphql'));

  const openapi = new DocumentBuilder()
    .setTitle('Switchyard')
    .setDescription('Stores Kubernetes-style clusters and answers network questions about them.')
    .setVersion('v1')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openapi), { jsonDocumentUrl: 'docs-json' });
  return app;
}
