import { cidrLast, cidrsOverlap, parseCidr } from '../addresses/cidr-blocks';
import { connectionsInclude } from '../connectivity/connection-set';
import { matchesLabelMap } from '../labels/label-selector';
import { ipBlockContains, type CompiledPeer, type CompiledPolicy } from '../policy/compiled-policies';
import type { NamedPort, PodClass } from '../policy/pod-classes';
import { NAMESPACE_NAME_LABEL_KEY, PolicyModel } from '../policy/policy-model';
import type { ClusterModel } from '../workloads/cluster-model';
import type { ModelPod, Protocol } from '../workloads/pods-from-workloads';

/**
 * May a pod's egress reach the cluster DNS? Without UDP and TCP 53 to it a pod cannot resolve
 * any name (resolv.conf points at the kube-dns ClusterIP, and policy is judged on the DNS pod
 * behind it: semantics.md, "Reaching a Service"). TCP matters too: answers over 512 bytes retry
 * over TCP. Shared by the egress-without-dns audit and the diagnosis's dns step, so both judge alike.
 *
 * The DNS destination, in order (what we chose):
 *  1. the endpoint pods of kube-system/kube-dns, on the target port its port-53 ports resolve to;
 *  2. else pods of kube-system labelled k8s-app=kube-dns, on port 53;
 *  3. else (the usual simulated cluster: kube-dns without CoreDNS pods) a hypothetical CoreDNS
 *     pod in kube-system labelled k8s-app=kube-dns, declaring `dns` UDP 53 and `dns-tcp` TCP 53,
 *     with an unknown address in the pod CIDR: the egress rules are evaluated against it
 *     directly, an ipBlock counting only when it covers the whole pod CIDR.
 * Only egress is judged here; the DNS pods' own ingress is not this check's concern. A DNS
 * destination counts as reachable when at least one DNS pod is.
 */
export const DNS_PROTOCOLS: readonly Protocol[] = ['UDP', 'TCP'];
const DNS_LABELS = { 'k8s-app': 'kube-dns' };
const COREDNS_PORTS: ReadonlyMap<string, NamedPort> = new Map([
  ['dns', { protocol: 'UDP', port: 53 }],
  ['dns-tcp', { protocol: 'TCP', port: 53 }],
  ['metrics', { protocol: 'TCP', port: 9153 }],
]);

export interface ClusterDnsCheck {
  /** What the DNS destination was taken to be, for messages. */
  describe: string;
  /** Does the egress of `pod` (of class `cls`) allow `protocol` 53 to the cluster DNS? */
  allows(pod: ModelPod, cls: PodClass, protocol: Protocol): boolean;
}

export interface ClusterDnsInput {
  model: ClusterModel;
  policy: PolicyModel;
  podCidr: string;
}

export function clusterDnsCheck({ model, policy, podCidr: podCidrText }: ClusterDnsInput): ClusterDnsCheck {
  const endpoints = model.endpoints.find((e) => e.namespace === 'kube-system' && e.service === 'kube-dns')?.endpoints ?? [];
  const service = model.services.find((s) => s.namespace === 'kube-system' && s.name === 'kube-dns');
  const endpointPods = endpoints
    .map((e) => {
      const pod = e.pod !== undefined ? policy.pods.get(e.pod) : undefined;
      return pod ? { pod, ports: e.ports } : undefined;
    })
    .filter((e) => e !== undefined);
  if (endpointPods.length > 0) {
    const targets = (protocol: Protocol) =>
      endpointPods.map(({ pod, ports }) => {
        const name = service?.ports.find((p) => p.port === 53 && p.protocol === protocol)?.name;
        return { pod, port: (name !== undefined ? ports[name]?.port : undefined) ?? 53 };
      });
    return {
      describe: 'the endpoints of kube-system/kube-dns',
      allows: (pod, _cls, protocol) => targets(protocol).some((t) => policy.evaluate({ pod }, { pod: t.pod }, t.port, protocol).egress.allowed),
    };
  }
  const labelled = policy.allPods().filter((p) => p.namespace === 'kube-system' && matchesLabelMap(DNS_LABELS, p.labels));
  if (labelled.length > 0) {
    return {
      describe: 'the kube-system pods labelled k8s-app=kube-dns',
      allows: (pod, _cls, protocol) => labelled.some((dnsPod) => policy.evaluate({ pod }, { pod: dnsPod }, 53, protocol).egress.allowed),
    };
  }
  const kubeSystem = model.namespaces.find((n) => n.name === 'kube-system')?.labels ?? {};
  const nsLabels = { ...kubeSystem, [NAMESPACE_NAME_LABEL_KEY]: 'kube-system' };
  const podCidr = parseCidr(podCidrText);
  const peerMatches = (owner: CompiledPolicy, peer: CompiledPeer): boolean => {
    if (peer.kind === 'ipBlock') {
      if (!podCidr || peer.block.cidr.family !== podCidr.family) return false;
      const covers = ipBlockContains(peer.block, { family: podCidr.family, value: podCidr.network }) && ipBlockContains(peer.block, { family: podCidr.family, value: cidrLast(podCidr) });
      return covers && !peer.block.except.some((e) => cidrsOverlap(e, podCidr));
    }
    const inNamespace = peer.namespaceSelector ? peer.namespaceSelector.matches(nsLabels) : owner.namespace === 'kube-system';
    return inNamespace && (peer.podSelector ? peer.podSelector.matches(DNS_LABELS) : true);
  };
  return {
    describe: 'kube-system pods labelled k8s-app=kube-dns (none exist: judged against a hypothetical CoreDNS pod)',
    allows: (_pod, cls, protocol) =>
      cls.egressPolicies.some((p) =>
        (p.egress ?? []).some(
          (rule) =>
            (!rule.peers || rule.peers.some((peer) => peerMatches(p, peer))) &&
            connectionsInclude(PolicyModel.ruleConnections(rule, COREDNS_PORTS), protocol, 53),
        ),
      ),
  };
}

/** The DNS protocols a pod's egress blocks (none when no policy isolates it for egress). */
export function blockedDnsProtocols(check: ClusterDnsCheck, policy: PolicyModel, pod: ModelPod): Protocol[] {
  const cls = policy.classOfPod(pod);
  if (cls.egressPolicies.length === 0) return [];
  return DNS_PROTOCOLS.filter((p) => !check.allows(pod, cls, p));
}

/** The egress rule that lets pods selected by `policyKey` (`ns/name`) resolve names. */
export function dnsEgressFix(policyKey: string): string {
  return `Add to the egress rules of ${policyKey} (or a policy selecting the same pods):\n- to:\n    - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } }\n      podSelector: { matchLabels: { k8s-app: kube-dns } }\n  ports:\n    - { protocol: UDP, port: 53 }\n    - { protocol: TCP, port: 53 }`;
}
