import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { TerminusModule } from '@nestjs/terminus';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { APP_CONFIG, ConfigModule, type AppConfig } from '@switchyard/config';
import { JobsModule } from '@switchyard/jobs';
import { PersistenceModule } from '@switchyard/persistence';
import { LoggerModule } from 'nestjs-pino';
import { stdSerializers } from 'pino-http';
import { ClusterService } from './clusters/cluster.service';
import { ClustersController } from './clusters/clusters.controller';
import { ObjectService } from './clusters/object.service';
import { ObjectsController } from './clusters/objects.controller';
import { ClustersResolver } from './graphql/clusters.resolver';
import { formatGraphqlError } from './graphql/graphql-errors';
import { HealthController } from './health/health.controller';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { ReachabilityResolver } from './graphql/reachability.resolver';
import { ClusterHeads } from './reachability/cluster-heads';
import { PolicySnapshots } from './reachability/policy-snapshots';
import { ReachabilityController } from './reachability/reachability.controller';
import { ReachabilityService } from './reachability/reachability.service';
import { ServiceLayerResolver } from './graphql/service-layer.resolver';
import { NorthSouthResolver } from './graphql/north-south.resolver';
import { AuditsController } from './audits/audits.controller';
import { AuditsResolver } from './graphql/audits.resolver';
import { ClusterEventsResolver } from './graphql/cluster-events.resolver';
import { ClusterEventsService } from './audits/cluster-events.service';
import { FindingsService } from './audits/findings.service';
import { ChangesService } from './changes/changes.service';
import { ClusterStates } from './changes/cluster-states';
import { NorthSouthController } from './north-south/north-south.controller';
import { NorthSouthService } from './north-south/north-south.service';
import { ServiceLayerController } from './service-layer/service-layer.controller';
import { ServiceLayerService } from './service-layer/service-layer.service';

/** Query limits: deep or costly queries are refused before they run. */
const armor = new ApolloArmor({
  maxDepth: { n: 10 },
  costLimit: { maxCost: 1000 },
  maxAliases: { n: 20 },
  maxDirectives: { n: 20 },
  maxTokens: { n: 5000 },
});

@Module({})
export class AppModule {
  static forRoot(overrides: Partial<AppConfig> = {}): DynamicModule {
    const protection = armor.protect();
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(overrides),
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            pinoHttp: {
              level: config.logLevel,
              autoLogging: { ignore: (req) => req.url?.startsWith('/health') === true || req.url === '/metrics' },
              // Requests are logged by id, method and URL, without headers: no credentials or
              // cookies reach the logs, and the per-request logger stays cheap (pino serializes
              // these bindings for every request, whether or not anything is logged; the standard
              // serializers would also parse the query string and copy the headers each time).
              wrapSerializers: false,
              serializers: {
                // Middleware sees the path below its mount point in `url`; the whole one is `originalUrl`.
                req: (req: IncomingMessage & { id?: unknown; originalUrl?: string }) => ({ id: req.id, method: req.method, url: req.originalUrl ?? req.url }),
                res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
                err: stdSerializers.err,
              },
            },
          }),
        }),
        PersistenceModule,
        JobsModule,
        TerminusModule,
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          playground: false,
          introspection: true,
          // Apollo's CommonJS and ESM typings differ only nominally; the objects are the same at run time.
          plugins: [ApolloServerPluginLandingPageDisabled(), ...protection.plugins] as unknown as ApolloDriverConfig['plugins'],
          validationRules: protection.validationRules,
          formatError: formatGraphqlError,
          // Subscriptions over WebSocket (graphql-ws protocol) on the same path.
          subscriptions: { 'graphql-ws': true },
        }),
      ],
      controllers: [ClustersController, ObjectsController, ReachabilityController, ServiceLayerController, NorthSouthController, AuditsController, HealthController, MetricsController],
      providers: [
        ClusterService,
        ObjectService,
        ClustersResolver,
        ReachabilityResolver,
        ClusterHeads,
        PolicySnapshots,
        ReachabilityService,
        ServiceLayerResolver,
        ServiceLayerService,
        NorthSouthResolver,
        NorthSouthService,
        FindingsService,
        AuditsResolver,
        ClusterEventsResolver,
        ClusterEventsService,
        ChangesService,
        ClusterStates,
        MetricsService,
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}
