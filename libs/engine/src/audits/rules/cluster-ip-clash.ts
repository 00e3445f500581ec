import { findingOf, heldBySeveral, type AuditRule } from '../finding';

/**
 * IPAM never hands one ClusterIP to two Services, but imported or hand-written state can hold
 * such a pair: kube-proxy then programs two services on one VIP:port, and which one a packet
 * reaches depends on rule order. Only possible outside the API server, hence high.
 */
export const clusterIpClash: AuditRule = {
  id: 'cluster-ip-clash',
  severity: 'high',
  title: 'Two Services share a ClusterIP',
  description: 'Several Services hold the same ClusterIP, so traffic to that address reaches one of them unpredictably.',
  check({ model }) {
    return heldBySeveral(model.services, (s) => s.clusterIPs).map(([ip, refs]) =>
      findingOf(this, {
        objects: refs,
        detail: `clusterIP=${ip}`,
        message: `ClusterIP ${ip} is held by ${refs.length} Services (${refs.map((r) => `${r.namespace}/${r.name}`).join(', ')}): the API server would never allocate it twice.`,
        fix: `Remove spec.clusterIP/clusterIPs from all but one of them and re-apply, so IPAM gives each a free address.`,
      }),
    );
  },
};
