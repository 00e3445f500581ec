import { cidrContainsAddress, cidrsOverlap, parseCidr, parseIpAddress, type CidrBlock } from '../../addresses/cidr-blocks';
import { findingOf, type AuditRule, type Finding } from '../finding';

/**
 * Pod, service and node ranges must be disjoint: a packet to an address in two of them is
 * routed as whichever the node sees first (a ClusterIP DNATed instead of reaching a pod, a pod
 * route hiding a node). Settings validation refuses a pod/service overlap on create, but
 * imported Nodes bring their own spec.podCIDR and addresses. Checked: pod CIDR × service CIDR,
 * each Node's podCIDR × the service CIDR and × every other Node's podCIDR, and each Node
 * address × the pod and service CIDRs. Cluster-wide findings (the settings alone) have no objects.
 */
export const cidrOverlap: AuditRule = {
  id: 'cidr-overlap',
  severity: 'critical',
  title: 'Pod, service or node address ranges overlap',
  description: 'The pod CIDR, the service CIDR, the Nodes\' pod ranges or the Nodes\' addresses overlap, so some addresses are routed ambiguously.',
  check({ model, settings }) {
    const pod = parseCidr(settings.podCidr);
    const service = parseCidr(settings.serviceCidr);
    const out: Finding[] = [];
    if (pod && service && cidrsOverlap(pod, service)) {
      out.push(
        findingOf(this, {
          objects: [],
          detail: `podCidr=${pod.text}~serviceCidr=${service.text}`,
          message: `The pod CIDR ${pod.text} and the service CIDR ${service.text} overlap: pod addresses and ClusterIPs can collide.`,
          fix: `Choose disjoint ranges in the cluster settings, e.g. podCidr 10.244.0.0/16 and serviceCidr 10.96.0.0/12.`,
        }),
      );
    }
    const nodes = model.nodes.map((n) => ({ node: n, block: n.podCidr ? parseCidr(n.podCidr) : undefined }));
    const overlaps = (a: CidrBlock | undefined, b: CidrBlock | undefined): a is CidrBlock => !!a && !!b && cidrsOverlap(a, b);
    nodes.forEach(({ node, block }, i) => {
      const ref = { kind: 'Node', name: node.name };
      if (overlaps(block, service)) {
        out.push(
          findingOf(this, {
            objects: [ref],
            detail: `podCIDR=${block.text}~serviceCidr`,
            message: `Node ${node.name} has pod range ${block.text}, which overlaps the service CIDR ${settings.serviceCidr}.`,
            fix: `Give Node ${node.name} a spec.podCIDR inside the pod CIDR ${settings.podCidr} and outside ${settings.serviceCidr}.`,
          }),
        );
      }
      for (const other of nodes.slice(i + 1)) {
        if (!overlaps(block, other.block)) continue;
        out.push(
          findingOf(this, {
            objects: [ref, { kind: 'Node', name: other.node.name }],
            detail: 'podCIDR',
            message: `Nodes ${node.name} (${block.text}) and ${other.node.name} (${other.block!.text}) have overlapping pod ranges: pods on both can get the same address.`,
            fix: `Give each Node its own spec.podCIDR (one /24 per node out of ${settings.podCidr} by default).`,
          }),
        );
      }
      for (const address of node.addresses) {
        const ip = parseIpAddress(address);
        const inside = [
          ...(ip && pod && cidrContainsAddress(pod, ip) ? [`the pod CIDR ${pod.text}`] : []),
          ...(ip && service && cidrContainsAddress(service, ip) ? [`the service CIDR ${service.text}`] : []),
        ];
        if (inside.length === 0) continue;
        out.push(
          findingOf(this, {
            objects: [ref],
            detail: `address=${address}`,
            message: `Node ${node.name} address ${address} lies inside ${inside.join(' and ')}.`,
            fix: `Choose pod and service CIDRs disjoint from the node network (${address} must lie outside both).`,
          }),
        );
      }
    });
    return out;
  },
};
