import { findingOf, type AuditRule } from '../finding';

/**
 * A LoadBalancer Service without `loadBalancerSourceRanges` (or with 0.0.0.0/0 / ::/0) accepts
 * clients from the whole internet when the load balancer is public; the ranges are the
 * allow-list kube-proxy and the cloud enforce (semantics.md, Services). The legacy annotation
 * service.beta.kubernetes.io/load-balancer-source-ranges counts as set (normalize-services.ts).
 */
const OPEN = new Set(['0.0.0.0/0', '::/0']);

export const loadBalancerWithoutSourceRanges: AuditRule = {
  id: 'load-balancer-without-source-ranges',
  severity: 'medium',
  title: 'LoadBalancer Service open to every client',
  description: 'A LoadBalancer Service has no loadBalancerSourceRanges (or allows 0.0.0.0/0), so any client that reaches the load balancer is accepted.',
  check({ model }) {
    return model.services
      .filter((s) => s.type === 'LoadBalancer' && (s.loadBalancerSourceRanges.length === 0 || s.loadBalancerSourceRanges.some((r) => OPEN.has(r))))
      .map((s) =>
        findingOf(this, {
          objects: [{ kind: 'Service', namespace: s.namespace, name: s.name }],
          message:
            s.loadBalancerSourceRanges.length === 0
              ? `LoadBalancer Service ${s.namespace}/${s.name} has no loadBalancerSourceRanges: every client that reaches the load balancer is accepted.`
              : `LoadBalancer Service ${s.namespace}/${s.name} allows ${s.loadBalancerSourceRanges.filter((r) => OPEN.has(r)).join(' and ')}: every client is accepted.`,
          fix: `Set spec.loadBalancerSourceRanges of ${s.namespace}/${s.name} to the client CIDRs that need it (e.g. [203.0.113.0/24]), or use an internal load balancer.`,
        }),
      );
  },
};
