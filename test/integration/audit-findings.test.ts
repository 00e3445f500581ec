import { validateClusterSettings, type Finding } from '@switchyard/engine';
import type { ClusterStore, ObjectStore, PrismaService } from '@switchyard/persistence';
import { manifests, startPersistence } from '../support/persistence-under-test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingsOf } from '../../libs/engine/src/audits/audit-cluster.fixture';
import { AuditService } from '../../apps/worker/src/audit/audit.service';
import type { AnalysisThread } from '../../apps/worker/src/recompute/analysis-thread-client';
import type { ClusterModelCache } from '../../apps/worker/src/recompute/cluster-model-cache';
import type { ConnectivityService } from '../../apps/worker/src/recompute/connectivity.service';

const service = (ns: string) => `apiVersion: v1
kind: Service
metadata: { name: api, namespace: ${ns} }
spec: { selector: { app: api }, ports: [{ port: 80 }] }
---
`;
const SHARED = 'service-name-in-several-namespaces';

/**
 * The audit's reconciliation on a real database, with the rules' output given: which revision the
 * snapshot says it reflects, and what the audit of it found, are set by each step. A second worker
 * finishing an audit of an older revision late is an audit that read an older snapshot revision.
 */
describe('audits reconcile findings in revision order, and keep open findings up to date', () => {
  let prisma: PrismaService;
  let clusters: ClusterStore;
  let objects: ObjectStore;
  let close: () => Promise<void>;
  let found: Finding[] = [];
  let audits: AuditService;

  beforeAll(async () => {
    ({ prisma, clusters, objects, close } = await startPersistence());
    // The rules' output is the test's; the model they would read is not needed.
    const models = { at: () => ({ model: {}, objectList: [] }) } as unknown as ClusterModelCache;
    const connectivity = { catchUp: async () => undefined } as unknown as ConnectivityService;
    const analysis = { run: async () => found } as unknown as AnalysisThread;
    audits = new AuditService(prisma, objects, models, connectivity, analysis);
  });
  afterAll(async () => {
    await close();
  });

  it('an audit of an older revision committing after a newer one changes nothing; a still-open finding shows what is found now', async () => {
    const created = await clusters.create(validateClusterSettings({ name: 'audit-order' }, { partial: false }));
    const { id } = await clusters.find(created.name);
    const first = await objects.apply(created.name, manifests(service('shop') + service('pay')), { dryRun: false });
    const second = await objects.apply(created.name, manifests(service('data')), { dryRun: false });
    const older = first.revision;
    const newer = second.revision;
    await prisma.$executeRaw`
      INSERT INTO "ClusterSnapshot" ("clusterId", revision, "durationMs", data) VALUES (${id}::uuid, ${older}, 0, '{}'::jsonb)`;
    const at = (revision: number) => prisma.$executeRaw`UPDATE "ClusterSnapshot" SET revision = ${revision} WHERE "clusterId" = ${id}::uuid`;
    const state = async () => ({
      findings: await prisma.finding.findMany({ where: { clusterId: id }, orderBy: [{ key: 'asc' }, { firstSeenAt: 'asc' }] }),
      events: await prisma.clusterEvent.findMany({ where: { clusterId: id }, orderBy: { id: 'asc' } }),
      audited: (await prisma.clusterSnapshot.findUniqueOrThrow({ where: { clusterId: id } })).auditedRevision,
    });

    // Revision `older`: api in shop and pay; one more finding that the newer revision no longer has.
    const atOlder = findingsOf(SHARED, service('shop') + service('pay'), { defaults: false });
    const gone: Finding = { rule: 'node-port-service', severity: 'low', objects: [{ kind: 'Service', namespace: 'shop', name: 'api' }], message: 'm', fix: 'f', key: 'node-port-service|Service/shop/api' };
    found = [...atOlder, gone];
    expect(await audits.audit(id)).toMatchObject({ revision: older, opened: 2, resolved: 0 });
    expect((await state()).audited).toBe(older);

    // Revision `newer`: a third namespace joins under the same key; the other finding is resolved.
    await at(newer);
    const atNewer = findingsOf(SHARED, service('shop') + service('pay') + service('data'), { defaults: false });
    expect(atNewer.map((f) => f.key)).toEqual(atOlder.map((f) => f.key));
    found = atNewer;
    expect(await audits.audit(id)).toMatchObject({ revision: newer, opened: 0, resolved: 1, open: 1 });
    const afterNewer = await state();
    const shared = afterNewer.findings.find((f) => f.rule === SHARED && f.state === 'open')!;
    expect(shared.objects).toEqual(atNewer[0]!.objects);
    expect((shared.objects as { namespace: string }[]).map((o) => o.namespace)).toEqual(['data', 'pay', 'shop']);
    expect(shared.message).toBe(atNewer[0]!.message);
    expect(shared.message).toContain('data');
    expect(shared.fix).toBe(atNewer[0]!.fix);
    expect(shared).toMatchObject({ firstSeenRevision: older, lastSeenRevision: newer });
    expect(afterNewer.findings.find((f) => f.key === gone.key)!.state).toBe('resolved');
    expect(afterNewer.audited).toBe(newer);

    // A second worker's audit of `older` (what it found then) commits now: nothing changes.
    await at(older);
    found = [...atOlder, gone];
    expect(await audits.audit(id)).toEqual({ skipped: `revision ${older} is older than the audited revision ${newer}` });
    expect(await state()).toEqual(afterNewer);

    // The same revision again (the periodic audit) is reconciled as usual.
    await at(newer);
    found = atNewer;
    expect(await audits.audit(id)).toMatchObject({ revision: newer, opened: 0, resolved: 0, open: 1 });
    expect((await state()).findings.map((f) => [f.key, f.state, f.message])).toEqual(afterNewer.findings.map((f) => [f.key, f.state, f.message]));
  });
});
