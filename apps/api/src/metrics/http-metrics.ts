import type { FastifyInstance } from 'fastify';
import type { MetricsService } from './metrics.service';

type StopTimer = (labels: { method: string; route: string; status: string }) => void;

/**
 * Times every request from its arrival to its last byte. Labels use the route pattern
 * (`/api/v1/clusters/:cluster/reachability`), never the raw path, so their number stays bounded;
 * requests no route matched are `unmatched`.
 */
export function registerHttpMetrics(fastify: FastifyInstance, metrics: MetricsService): void {
  // A request property declared up front keeps every request object the same shape.
  fastify.decorateRequest('stopHttpTimer', null);
  fastify.addHook('onRequest', (request, _reply, done) => {
    (request as unknown as { stopHttpTimer: StopTimer }).stopHttpTimer = metrics.httpDuration.startTimer();
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    (request as unknown as { stopHttpTimer: StopTimer | null }).stopHttpTimer?.({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
    done();
  });
}
