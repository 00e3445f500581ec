import { findingOf, type AuditRule, type FindingObject } from '../finding';

/**
 * Workloads and Services in `default` share one namespace with everything deployed without a
 * namespace: policies, quotas and RBAC cannot tell them apart, and a stray `kubectl apply`
 * lands next to them. The API server's own `default/kubernetes` Service is excluded.
 * Workloads are read from the model's pod owners (a Deployment, not its ReplicaSet or pods).
 */
export const objectInDefaultNamespace: AuditRule = {
  id: 'object-in-default-namespace',
  severity: 'low',
  title: 'Workload or Service in the default namespace',
  description: 'A workload or Service lives in the default namespace, where it shares policies and permissions with everything applied without a namespace.',
  check({ model }) {
    const refs = new Map<string, FindingObject>();
    for (const p of model.pods) if (p.namespace === 'default') refs.set(`${p.owner.kind}/${p.owner.name}`, { kind: p.owner.kind, namespace: 'default', name: p.owner.name });
    for (const s of model.services) if (s.namespace === 'default' && s.name !== 'kubernetes') refs.set(`Service/${s.name}`, { kind: 'Service', namespace: 'default', name: s.name });
    return [...refs.values()].map((ref) =>
      findingOf(this, {
        objects: [ref],
        message: `${ref.kind} ${ref.name} is in the default namespace.`,
        fix: `Create a namespace for the application and move ${ref.kind} ${ref.name} there (metadata.namespace), with a default-deny policy.`,
      }),
    );
  },
};
