import { cidrContainsAddress, parseCidr, parseIpAddress } from '../../addresses/cidr-blocks';
import { parseNodePortRange } from '../../cluster/cluster-settings';
import { findingOf, type AuditRule, type Finding } from '../finding';

/**
 * ClusterIPs come from the service CIDR and nodePorts from the node port range; the API server
 * refuses others (semantics.md, Services). Imported state or changed settings can hold such
 * addresses: kube-proxy still programs them, but they may collide with pod or node addresses.
 * Malformed settings are skipped (settings validation reports them).
 */
export const serviceAddressOutOfRange: AuditRule = {
  id: 'service-address-out-of-range',
  severity: 'medium',
  title: 'ClusterIP or nodePort outside its configured range',
  description: 'A Service has a ClusterIP outside the service CIDR or a nodePort outside the node port range of the cluster settings.',
  check({ model, settings }) {
    const serviceCidr = parseCidr(settings.serviceCidr);
    const range = parseNodePortRange(settings.nodePortRange);
    const out: Finding[] = [];
    for (const s of model.services) {
      const objects = [{ kind: 'Service', namespace: s.namespace, name: s.name }];
      for (const ip of s.clusterIPs) {
        const address = parseIpAddress(ip);
        // A dual-stack Service's other family is judged only against a CIDR of its family.
        if (!serviceCidr || !address || address.family !== serviceCidr.family) continue;
        if (cidrContainsAddress(serviceCidr, address)) continue;
        out.push(
          findingOf(this, {
            objects,
            detail: `clusterIP=${ip}`,
            message: `Service ${s.namespace}/${s.name} has ClusterIP ${ip}, outside the service CIDR ${settings.serviceCidr}.`,
            fix: `Remove spec.clusterIP/clusterIPs of ${s.namespace}/${s.name} and re-apply so IPAM allocates from ${settings.serviceCidr}, or set one inside it.`,
          }),
        );
      }
      for (const port of new Set(s.ports.map((p) => p.nodePort).filter((p): p is number => p !== undefined))) {
        if (!range || (port >= range.min && port <= range.max)) continue;
        out.push(
          findingOf(this, {
            objects,
            detail: `nodePort=${port}`,
            message: `Service ${s.namespace}/${s.name} has nodePort ${port}, outside the node port range ${settings.nodePortRange}.`,
            fix: `Choose a nodePort within ${settings.nodePortRange} for ${s.namespace}/${s.name}, or omit it to have one allocated.`,
          }),
        );
      }
    }
    return out;
  },
};
