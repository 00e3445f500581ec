import { findingOf, type AuditRule } from '../finding';

/**
 * A NodePort Service opens its port on every node's addresses (semantics.md, Services): whoever
 * reaches a node reaches the Service, bypassing any Ingress or load balancer in front. Often
 * intended in labs, rarely in production: informational, low.
 */
export const nodePortService: AuditRule = {
  id: 'node-port-service',
  severity: 'low',
  title: 'NodePort Service',
  description: 'A Service of type NodePort is reachable on a port of every node, bypassing Ingress, Gateway and load balancer controls.',
  check({ model }) {
    return model.services
      .filter((s) => s.type === 'NodePort')
      .map((s) => {
        const ports = s.ports.map((p) => `${p.protocol} ${p.nodePort ?? '(allocated)'}`).join(', ');
        return findingOf(this, {
          objects: [{ kind: 'Service', namespace: s.namespace, name: s.name }],
          message: `Service ${s.namespace}/${s.name} is a NodePort (${ports}): reachable on every node's addresses.`,
          fix: `If only in-cluster clients need ${s.namespace}/${s.name}, set spec.type: ClusterIP; to expose it, put an Ingress or Gateway route in front, or a LoadBalancer with loadBalancerSourceRanges.`,
        });
      });
  },
};
