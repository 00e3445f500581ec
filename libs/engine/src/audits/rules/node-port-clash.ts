import { findingOf, heldBySeveral, type AuditRule } from '../finding';

/**
 * A nodePort is opened on every node; the API server allocates each number to one Service only
 * (one Service may reuse it for TCP and UDP of the same port). Two Services on one nodePort,
 * possible in imported state, make kube-proxy send that port's traffic to either.
 */
export const nodePortClash: AuditRule = {
  id: 'node-port-clash',
  severity: 'high',
  title: 'Two Services share a nodePort',
  description: 'Several Services declare the same nodePort, so traffic arriving on that node port reaches one of them unpredictably.',
  check({ model }) {
    return heldBySeveral(model.services, (s) => s.ports.map((p) => p.nodePort).filter((p): p is number => p !== undefined)).map(([port, refs]) =>
      findingOf(this, {
        objects: refs,
        detail: `nodePort=${port}`,
        message: `nodePort ${port} is declared by ${refs.length} Services (${refs.map((r) => `${r.namespace}/${r.name}`).join(', ')}).`,
        fix: `Give each Service its own nodePort inside the node port range, or omit nodePort so the API server allocates a free one.`,
      }),
    );
  },
};
