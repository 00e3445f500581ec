import { Injectable } from '@nestjs/common';
import { JobQueue } from '@switchyard/jobs';
import { FindingsService } from '../audits/findings.service';
import { PolicySnapshots } from '../reachability/policy-snapshots';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one API process: HTTP latency, queue depth, and Node's own. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(jobs: JobQueue, findings: FindingsService, snapshots: PolicySnapshots) {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchyard_' });
    this.httpDuration = new Histogram({
      name: 'switchyard_http_request_duration_seconds',
      help: 'HTTP request latency by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    // Steady growth means the database's notices are not arriving (answers then read heads again).
    new Counter({
      name: 'switchyard_cluster_head_reads_total',
      help: "Reads of a cluster's latest and computed revision from the database (answers otherwise know them from notices)",
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(snapshots.headReadCount);
      },
    });
    new Gauge({
      name: 'switchyard_queue_jobs',
      help: 'Jobs per queue and state, read from Redis at scrape time',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        const depth = await jobs.depth();
        for (const [queue, states] of Object.entries(depth)) {
          for (const [state, count] of Object.entries(states)) this.set({ queue, state }, count);
        }
      },
    });
    new Gauge({
      name: 'switchyard_findings_open',
      help: 'Open audit findings per cluster and severity',
      labelNames: ['cluster', 'severity'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of await findings.openCounts()) this.set({ cluster: row.cluster, severity: row.severity }, row.count);
      },
    });
  }
}
