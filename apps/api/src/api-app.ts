import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { NestFactory } from '@nestjs/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { APP_CONFIG, type AppConfig } from '@switchyard/config';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { registerGraphqlExplorer } from './graphql/graphiql-explorer';
import { registerBodyParsers } from './http/body-parsers';
import { problem } from './http/problem-details';
import { registerHttpMetrics } from './metrics/http-metrics';
import { MetricsService } from './metrics/metrics.service';

/**
 * Builds the API application, ready to listen; tests build it the same way.
 *
 * HTTP runs on Fastify: per request it costs about two thirds of what Express did under Nest,
 * and allocates less, which is what the answer latency under load is made of (BENCHMARKS.md,
 * "Query latency under load").
 */
export async function createApiApp(overrides: Partial<AppConfig> = {}): Promise<NestFastifyApplication> {
  const module = AppModule.forRoot(overrides);
  const adapter = new FastifyAdapter({
    routerOptions: {
      // As Express did: a trailing slash and the path's letter case do not matter.
      ignoreTrailingSlash: true,
      caseSensitive: false,
      // Object names may be up to 253 characters (DNS subdomains); Fastify's default cuts at 100.
      maxParamLength: 1024,
    },
    // Requests are logged by nestjs-pino; Fastify's own logger stays off.
    logger: false,
    // A path that does not decode is refused before routing, so before Nest's filters: answer
    // it in the same problem+json form.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const body = problem(400, 'MALFORMED', `the request path could not be read: ${error.message}`, [{ path: '', reason: 'FieldValueInvalid', message: error.message }], request.url);
      void reply.status(400).type('application/problem+json').send(JSON.stringify(body));
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const config = app.get<AppConfig>(APP_CONFIG);
  const fastify = app.getHttpAdapter().getInstance();
  registerBodyParsers(fastify, config.bodyLimitBytes);
  registerHttpMetrics(fastify, app.get(MetricsService));
  registerGraphqlExplorer(fastify, '/graphql');

  const openapi = new DocumentBuilder()
    .setTitle('Switchyard')
    .setDescription('Stores Kubernetes-style clusters and answers network questions about them.')
    .setVersion('v1')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openapi), { jsonDocumentUrl: 'docs-json' });
  return app;
}
