import { Injectable } from '@nestjs/common';
import { diagnose, DomainError, findEndpoints, FINDING_SEVERITIES, parseEndpointRef, parsePortRef, parseProtocol, type FindingSeverity } from '@switchyard/engine';
import { ClusterStore, PrismaService } from '@switchyard/persistence';
import { PolicySnapshots } from '../reachability/policy-snapshots';

export interface FindingsQuery {
  severity?: string;
  rule?: string;
  /** open | resolved; anything else is rejected naming the field. */
  state?: string;
}

const FINDING_STATES = ['open', 'resolved'] as const;
type FindingStateValue = (typeof FINDING_STATES)[number];

/** Findings of the background audits, and a diagnosis of one connection. */
@Injectable()
export class FindingsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly clusters: ClusterStore,
    private readonly snapshots: PolicySnapshots,
  ) {}

  async findings(clusterName: string, query: FindingsQuery) {
    if (query.severity !== undefined && !FINDING_SEVERITIES.includes(query.severity as FindingSeverity)) {
      throw new DomainError('INVALID', 'unknown severity', [{ path: 'severity', reason: 'FieldValueNotSupported', message: `supported values: ${FINDING_SEVERITIES.join(', ')}` }]);
    }
    if (query.state !== undefined && !FINDING_STATES.includes(query.state as FindingStateValue)) {
      throw new DomainError('INVALID', 'unknown state', [{ path: 'state', reason: 'FieldValueNotSupported', message: `supported values: ${FINDING_STATES.join(', ')}` }]);
    }
    const cluster = await this.clusters.find(clusterName);
    const rows = await this.prisma.finding.findMany({
      where: { clusterId: cluster.id, ...(query.severity ? { severity: query.severity } : {}), ...(query.rule ? { rule: query.rule } : {}), ...(query.state ? { state: query.state as FindingStateValue } : {}) },
      orderBy: [{ state: 'asc' }, { lastSeenAt: 'desc' }],
      take: 5000,
    });
    return {
      revision: cluster.revision,
      items: rows.map((f) => ({
        id: f.id,
        rule: f.rule,
        severity: f.severity,
        state: f.state,
        objects: f.objects,
        message: f.message,
        fix: f.fix,
        firstSeenRevision: f.firstSeenRevision,
        lastSeenRevision: f.lastSeenRevision,
        firstSeenAt: f.firstSeenAt.toISOString(),
        lastSeenAt: f.lastSeenAt.toISOString(),
        resolvedAt: f.resolvedAt?.toISOString() ?? null,
      })),
    };
  }

  /** Open findings per cluster and severity, for the Prometheus gauge. */
  async openCounts(): Promise<{ cluster: string; severity: string; count: number }[]> {
    const rows = await this.prisma.$queryRaw<{ cluster: string; severity: string; count: bigint }[]>`
      SELECT c.name AS cluster, f.severity, COUNT(*) AS count FROM "Finding" f JOIN "Cluster" c ON c.id = f."clusterId"
      WHERE f.state = 'open' GROUP BY c.name, f.severity`;
    return rows.map((r) => ({ cluster: r.cluster, severity: r.severity, count: Number(r.count) }));
  }

  async diagnose(clusterName: string, query: { from: string; to: string; port?: string; protocol?: string; consistent?: boolean }) {
    const from = parseEndpointRef(query.from ?? '', 'from');
    if (!query.to) throw new DomainError('INVALID', 'to is required', [{ path: 'to', reason: 'FieldValueRequired', message: 'a Service (svc/<ns>/<name>), DNS name, ClusterIP or <ns>/<pod>' }]);
    const port = query.port ? parsePortRef(query.port) : undefined;
    const protocol = query.protocol ? parseProtocol(query.protocol) : undefined;
    const snapshot = await this.snapshots.load(clusterName, { consistent: query.consistent });
    if (from.type === 'ip') {
      throw new DomainError('INVALID', 'unknown source', [{ path: 'from', reason: 'FieldValueInvalid', message: 'diagnosis starts from a pod or workload' }]);
    }
    const pod = findEndpoints(snapshot.model, from, 'from').endpoints[0]!.pod!;
    return {
      revision: snapshot.revision,
      ...diagnose({
        clusterModel: snapshot.clusterModel,
        policy: snapshot.model,
        records: snapshot.dnsRecords,
        settings: snapshot.settings,
        from: { pod },
        to: query.to,
        ...(port !== undefined ? { port } : {}),
        ...(protocol ? { protocol } : {}),
      }),
    };
  }
}
