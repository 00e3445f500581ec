/**
 * Seeded synthetic clusters for the policy benchmarks: same (seed, pods, policies) → same
 * objects, byte for byte. The objects are Kubernetes-shaped (what `POST /apply` accepts and what
 * the engine reads as `ClusterObjectInput`).
 *
 * Shape (see BENCHMARKS.md, "The synthetic clusters"):
 * - namespaces labelled team / env (some also compliance, istio-injection), plus kube-system and
 *   monitoring;
 * - Nodes (about one per 100 pods) and a couple of DaemonSets in kube-system;
 * - workloads, mostly Deployments, ~10% StatefulSets, with app / app.kubernetes.io/name / tier /
 *   team / version labels (some release=canary) and named container ports whose numbers vary
 *   between workloads (`http` is 8080 here, 3000 there), TCP, UDP and SCTP;
 * - NetworkPolicies using every feature: default-deny ingress and egress, podSelector and
 *   namespaceSelector with matchLabels and matchExpressions In / NotIn / Exists / DoesNotExist,
 *   AND peers (both selectors in one peer) and OR peers (several peers), ipBlock with except
 *   (IPv4 and IPv6, some overlapping the pod CIDR), named and numeric ports, endPort ranges,
 *   UDP and SCTP, protocol-only ports, egress and ingress.
 *
 * Template pods are pinned to nodes (`template.spec.nodeName`, round robin): the engine gives all
 * unscheduled template pods one /24 node range (253 addresses), so a cluster of more than ~250
 * unpinned template pods cannot be modelled (PodAddressPool throws "pod range of node (none) is
 * exhausted"). See BENCHMARKS.md, findings.
 */
import type { ClusterObjectInput, ComputeSettings } from '../../libs/engine/src/index';
import { hashSeed, Prng } from './prng';

export interface ClusterSpec {
  pods: number;
  policies: number;
  seed: number;
}

export interface SyntheticCluster {
  spec: ClusterSpec;
  /** What the cluster is created with (POST /clusters) and what the engine is given. */
  settings: ComputeSettings;
  /** Namespaces, Nodes, workloads, NetworkPolicies, in that order. */
  objects: ClusterObjectInput[];
  stats: ClusterStats;
  /** The policies that `changedPolicy` varies (app-level ones with an ingress rule). */
  changeable: ClusterObjectInput[];
}

export interface ClusterStats {
  namespaces: number;
  nodes: number;
  workloads: Record<string, number>;
  pods: number;
  policies: number;
  /** How many policies use each feature (a policy counts once per feature). */
  features: Record<string, number>;
}

/** Pod CIDR large enough for ~4000 per-node /24 ranges (100k pods on 1000 nodes). */
export const BENCH_SETTINGS: ComputeSettings = {
  podCidr: '10.128.0.0/12',
  serviceCidr: '10.96.0.0/12',
  clusterDomain: 'cluster.local',
  cni: 'calico',
};

const TEAMS = ['payments', 'checkout', 'search', 'identity', 'platform', 'data', 'ml', 'growth', 'mobile', 'infra', 'security', 'support'];
const ENVS: ReadonlyArray<readonly [string, number]> = [
  ['prod', 5],
  ['staging', 3],
  ['dev', 2],
];

type Proto = 'TCP' | 'UDP' | 'SCTP';
interface AppKind {
  app: string;
  tier: 'frontend' | 'backend' | 'data';
  /** [name, candidate numbers, protocol] */
  ports: ReadonlyArray<readonly [string, readonly number[], Proto]>;
  kind: 'Deployment' | 'StatefulSet';
  weight: number;
}

const APPS: readonly AppKind[] = [
  { app: 'web', tier: 'frontend', ports: [['http', [8080, 80, 3000], 'TCP']], kind: 'Deployment', weight: 8 },
  { app: 'frontend', tier: 'frontend', ports: [['http', [3000, 8080], 'TCP'], ['https', [8443], 'TCP']], kind: 'Deployment', weight: 5 },
  { app: 'gateway', tier: 'frontend', ports: [['https', [8443, 443], 'TCP'], ['http', [8080], 'TCP']], kind: 'Deployment', weight: 3 },
  { app: 'api', tier: 'backend', ports: [['http', [8080, 8000], 'TCP'], ['grpc', [9090, 50051], 'TCP']], kind: 'Deployment', weight: 10 },
  { app: 'auth', tier: 'backend', ports: [['grpc', [9090, 50051], 'TCP'], ['http', [8080], 'TCP']], kind: 'Deployment', weight: 4 },
  { app: 'billing', tier: 'backend', ports: [['http', [8000, 8080], 'TCP']], kind: 'Deployment', weight: 4 },
  { app: 'search', tier: 'backend', ports: [['http', [9200], 'TCP'], ['transport', [9300], 'TCP']], kind: 'Deployment', weight: 3 },
  { app: 'worker', tier: 'backend', ports: [], kind: 'Deployment', weight: 8 },
  { app: 'sip', tier: 'backend', ports: [['sip', [5060], 'UDP'], ['diameter', [3868], 'SCTP']], kind: 'Deployment', weight: 1 },
  { app: 'dns-cache', tier: 'backend', ports: [['dns', [53, 5353], 'UDP'], ['dns-tcp', [53, 5353], 'TCP']], kind: 'Deployment', weight: 1 },
  { app: 'queue', tier: 'data', ports: [['amqp', [5672], 'TCP']], kind: 'Deployment', weight: 3 },
  { app: 'cache', tier: 'data', ports: [['redis', [6379], 'TCP']], kind: 'Deployment', weight: 4 },
  { app: 'db', tier: 'data', ports: [['postgres', [5432], 'TCP']], kind: 'StatefulSet', weight: 4 },
  { app: 'kafka', tier: 'data', ports: [['kafka', [9092], 'TCP']], kind: 'StatefulSet', weight: 2 },
];

const REPLICAS: ReadonlyArray<readonly [number, number]> = [
  [1, 20],
  [2, 25],
  [3, 25],
  [4, 10],
  [5, 8],
  [6, 6],
  [8, 4],
  [12, 2],
];

/** ipBlocks the policies draw from: a bounded pool, as real clusters reuse a few ranges. */
const IP_BLOCKS: ReadonlyArray<{ cidr: string; except?: string[] }> = [
  { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] },
  { cidr: '203.0.113.0/24' },
  { cidr: '198.51.100.0/24', except: ['198.51.100.128/25'] },
  { cidr: '192.0.2.0/24' },
  { cidr: '172.20.0.0/22' },
  { cidr: '172.20.4.0/22', except: ['172.20.6.0/24'] },
  { cidr: '172.20.8.0/22' },
  { cidr: '10.128.0.0/16', except: ['10.128.4.0/24'] },
  { cidr: '10.0.0.0/8', except: ['10.128.0.0/12'] },
  { cidr: '100.64.0.0/24' },
  { cidr: '100.64.1.0/24' },
  { cidr: '100.64.2.0/24', except: ['100.64.2.0/28'] },
  { cidr: '100.64.3.0/24' },
  { cidr: 'fd00::/8', except: ['fd00:1::/32'] },
  { cidr: '2001:db8::/32' },
];
const PRIVATE_EXCEPT = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

interface Workload {
  namespace: string;
  name: string;
  app: AppKind;
  labels: Record<string, string>;
  /** port name → [number, protocol] */
  ports: Map<string, [number, Proto]>;
}

interface Ns {
  name: string;
  labels: Record<string, string>;
  weight: number;
  workloads: Workload[];
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

export function generateCluster(spec: ClusterSpec): SyntheticCluster {
  const rng = new Prng(hashSeed('cluster', spec.seed, spec.pods, spec.policies));
  const objects: ClusterObjectInput[] = [];
  const features: Record<string, number> = {};
  const workloadCounts: Record<string, number> = { Deployment: 0, StatefulSet: 0, DaemonSet: 0 };

  // ---- namespaces --------------------------------------------------------------------------
  const nsCount = clamp(Math.round(spec.pods / 200), 5, 500);
  const namespaces: Ns[] = [];
  for (let i = 0; i < nsCount; i++) {
    const team = rng.pick(TEAMS);
    const env = rng.weighted(ENVS);
    const labels: Record<string, string> = { team, env };
    if (rng.chance(0.15)) labels.compliance = 'pci';
    if (rng.chance(0.3)) labels['istio-injection'] = 'enabled';
    namespaces.push({ name: `${team}-${env}-${String(i).padStart(3, '0')}`, labels, weight: 0.5 + rng.next() * 1.5, workloads: [] });
  }
  const system: Ns = { name: 'kube-system', labels: { team: 'platform', env: 'prod', tier: 'system' }, weight: 0, workloads: [] };
  const monitoring: Ns = { name: 'monitoring', labels: { team: 'platform', env: 'prod' }, weight: 0, workloads: [] };
  for (const ns of [system, monitoring, ...namespaces]) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: ns.labels } });
  }

  // ---- nodes -------------------------------------------------------------------------------
  const nodeCount = clamp(Math.ceil(spec.pods / 100), 3, 2000);
  const nodes = Array.from({ length: nodeCount }, (_, i) => `node-${String(i).padStart(4, '0')}`);
  for (const [i, name] of nodes.entries()) {
    objects.push({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % 3}` } } });
  }
  const nodeLoad = new Array<number>(nodeCount).fill(0);

  const workloadObject = (kind: string, ns: Ns, name: string, replicas: number, labels: Record<string, string>, ports: Map<string, [number, Proto]>, nodeName?: string): ClusterObjectInput => {
    const containerPorts = [...ports].map(([n, [p, proto]]) => ({ name: n, containerPort: p, ...(proto !== 'TCP' ? { protocol: proto } : {}) }));
    const podSpec: Record<string, unknown> = { containers: [{ name: 'main', image: `registry.example/${labels['app.kubernetes.io/name'] ?? name}:1`, ports: containerPorts }] };
    if (nodeName) podSpec.nodeName = nodeName;
    const specBody: Record<string, unknown> = {
      selector: { matchLabels: { app: labels.app! } },
      template: { metadata: { labels }, spec: podSpec },
    };
    if (kind !== 'DaemonSet') specBody.replicas = replicas;
    if (kind === 'StatefulSet') specBody.serviceName = name;
    workloadCounts[kind] = (workloadCounts[kind] ?? 0) + 1;
    return { apiVersion: 'apps/v1', kind, metadata: { name, namespace: ns.name, labels: { app: labels.app! } }, spec: specBody };
  };

  // ---- system workloads: DaemonSets and DNS -------------------------------------------------
  let remaining = spec.pods;
  const dsCount = Math.max(1, Math.round((0.02 * spec.pods) / nodeCount));
  const daemonSets: Array<[string, string, number]> = [
    ['node-exporter', 'metrics', 9100],
    ['fluent-bit', 'metrics', 2020],
    ['kube-proxy', 'metrics', 10249],
    ['calico-node', 'metrics', 9091],
  ];
  for (let i = 0; i < dsCount && remaining >= nodeCount; i++) {
    const [name, port, number] = daemonSets[i % daemonSets.length]!;
    const dsName = i < daemonSets.length ? name : `${name}-${i}`;
    const labels = { app: dsName, 'app.kubernetes.io/name': name, tier: 'system' };
    const ports = new Map<string, [number, Proto]>([[port, [number, 'TCP']]]);
    objects.push(workloadObject('DaemonSet', system, dsName, nodeCount, labels, ports));
    system.workloads.push({ namespace: system.name, name: dsName, app: APPS[0]!, labels, ports });
    for (let n = 0; n < nodeCount; n++) nodeLoad[n]!++;
    remaining -= nodeCount;
  }
  let nextNode = 0;
  /** Round robin over nodes, skipping any whose /24 range would fill up. */
  const placeOnNode = (replicas: number): string => {
    for (let tries = 0; tries < nodeCount; tries++) {
      const n = nextNode;
      nextNode = (nextNode + 1) % nodeCount;
      if (nodeLoad[n]! + replicas <= 200) {
        nodeLoad[n]! += replicas;
        return nodes[n]!;
      }
    }
    throw new Error('synthetic cluster: no node has room (raise the node count)');
  };
  const systemApps: Array<[Ns, string, Map<string, [number, Proto]>, Record<string, string>]> = [
    [system, 'kube-dns', new Map([['dns', [53, 'UDP']], ['dns-tcp', [53, 'TCP']], ['metrics', [9153, 'TCP']]]), { 'k8s-app': 'kube-dns' }],
    [monitoring, 'prometheus', new Map([['http', [9090, 'TCP']]]), { 'app.kubernetes.io/name': 'prometheus' }],
  ];
  for (const [ns, name, ports, extra] of systemApps) {
    const replicas = Math.min(2, remaining);
    if (replicas <= 0) break;
    const labels = { app: name, tier: 'system', ...extra };
    objects.push(workloadObject('Deployment', ns, name, replicas, labels, ports, placeOnNode(replicas)));
    ns.workloads.push({ namespace: ns.name, name, app: APPS[0]!, labels, ports });
    remaining -= replicas;
  }

  // ---- application workloads ----------------------------------------------------------------
  const appWeights = APPS.map((a) => [a, a.weight] as const);
  const nsWeights = namespaces.map((n) => [n, n.weight] as const);
  const counters = new Map<string, number>();
  while (remaining > 0) {
    const ns = rng.weighted(nsWeights);
    const app = rng.weighted(appWeights);
    const drawn = app.kind === 'StatefulSet' ? rng.int(1, 3) : rng.weighted(REPLICAS);
    const replicas = Math.min(drawn, remaining);
    const k = (counters.get(`${ns.name}/${app.app}`) ?? 0) + 1;
    counters.set(`${ns.name}/${app.app}`, k);
    const name = `${app.app}-${k}`;
    const labels: Record<string, string> = { app: name, 'app.kubernetes.io/name': app.app, tier: app.tier };
    if (rng.chance(0.7)) labels.team = ns.labels.team!;
    labels.version = rng.pick(['v1', 'v1', 'v2', 'v3']);
    if (rng.chance(0.1)) labels.release = 'canary';
    const ports = new Map<string, [number, Proto]>();
    for (const [portName, numbers, proto] of app.ports) ports.set(portName, [rng.pick(numbers), proto]);
    if (rng.chance(0.6)) ports.set('metrics', [rng.pick([9100, 9090, 8081]), 'TCP']);
    objects.push(workloadObject(app.kind, ns, name, replicas, labels, ports, placeOnNode(replicas)));
    ns.workloads.push({ namespace: ns.name, name, app, labels, ports });
    remaining -= replicas;
  }

  // ---- NetworkPolicies ----------------------------------------------------------------------
  const policies: ClusterObjectInput[] = [];
  const changeable: ClusterObjectInput[] = [];
  const use = (...names: string[]) => {
    for (const n of names) features[n] = (features[n] ?? 0) + 1;
  };
  const policy = (ns: string, name: string, policySpec: Record<string, unknown>, feats: string[], isChangeable = false) => {
    if (policies.length >= spec.policies) return;
    const object: ClusterObjectInput = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec: policySpec };
    policies.push(object);
    if (isChangeable) changeable.push(object);
    use(...new Set(feats));
  };

  // Per-namespace defaults.
  const dnsPeer = {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
    podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
  };
  for (const ns of namespaces) {
    policy(ns.name, 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }, ['default-deny-ingress']);
  }
  for (const ns of namespaces) {
    if (!rng.chance(0.4)) continue;
    policy(ns.name, 'default-deny-egress', { podSelector: {}, policyTypes: ['Egress'] }, ['default-deny-egress']);
    policy(
      ns.name,
      'allow-dns',
      { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [dnsPeer], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] },
      ['egress', 'AND-peer', 'namespaceSelector.matchLabels', 'podSelector.matchLabels', 'UDP', 'numeric-port'],
    );
  }
  policy('monitoring', 'allow-prometheus-from-platform', {
    podSelector: { matchLabels: { app: 'prometheus' } },
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'platform' } } }], ports: [{ port: 'http' }] }],
  }, ['ingress', 'namespaceSelector.matchLabels', 'named-port']);

  // Application policies: targets are drawn by workload, so busy namespaces get more.
  const allWorkloads = namespaces.flatMap((n) => n.workloads);
  const nsByName = new Map(namespaces.map((n) => [n.name, n]));
  const portOf = (w: Workload): { port: number | string; protocol?: Proto } => {
    const named = [...w.ports].filter(([n]) => n !== 'metrics');
    if (named.length === 0) return { port: 8080 };
    const [n, [number, proto]] = rng.pick(named);
    const useName = rng.chance(0.5);
    return { port: useName ? n : number, ...(proto !== 'TCP' ? { protocol: proto } : {}) };
  };
  const templates: ReadonlyArray<readonly [number, number]> = [
    [0, 28], // allow from another app of the namespace
    [1, 14], // AND peer: team namespaces × frontend pods
    [2, 10], // OR peers with matchExpressions In
    [3, 10], // monitoring scrape on named port, NotIn pod selector
    [4, 10], // ipBlock with except, numeric + endPort
    [5, 10], // egress to db (named) and internet (ipBlock except)
    [6, 6], // DoesNotExist / Exists / NotIn namespace selectors
    [7, 6], // UDP and SCTP
    [8, 6], // ingress and egress, endPort, protocol-only port
  ];
  let i = 0;
  while (policies.length < spec.policies && allWorkloads.length > 0) {
    const w = rng.pick(allWorkloads);
    const ns = nsByName.get(w.namespace)!;
    const peer = rng.pick(ns.workloads);
    const t = rng.weighted(templates);
    const name = `${w.name}-np-${i++}`;
    const sel = { matchLabels: { app: w.labels.app! } };
    switch (t) {
      case 0: {
        const p = portOf(w);
        policy(ns.name, name, {
          podSelector: sel,
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ podSelector: { matchLabels: { app: peer.labels.app! } } }], ports: [p] }],
        }, ['ingress', 'podSelector.matchLabels', typeof p.port === 'string' ? 'named-port' : 'numeric-port'], true);
        break;
      }
      case 1: {
        const p = portOf(w);
        policy(ns.name, name, {
          podSelector: sel,
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: rng.pick(TEAMS) } }, podSelector: { matchLabels: { tier: 'frontend' } } }], ports: [p] }],
        }, ['ingress', 'AND-peer', 'namespaceSelector.matchLabels', 'podSelector.matchLabels', 'policyTypes-omitted'], true);
        break;
      }
      case 2: {
        const names = rng.sample(APPS.map((a) => a.app), rng.int(1, 3));
        policy(ns.name, name, {
          podSelector: { matchLabels: { 'app.kubernetes.io/name': w.app.app } },
          ingress: [
            {
              from: [
                {
                  namespaceSelector: {
                    matchExpressions: [
                      { key: 'team', operator: 'In', values: [...new Set([ns.labels.team!, rng.pick(TEAMS)])] },
                      { key: 'env', operator: 'In', values: [ns.labels.env!] },
                    ],
                  },
                },
                { podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: names }] } },
              ],
              ports: [portOf(w)],
            },
          ],
        }, ['ingress', 'OR-peers', 'namespaceSelector.In', 'podSelector.In'], true);
        break;
      }
      case 3:
        policy(ns.name, name, {
          podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: [rng.pick(['data', 'frontend'])] }] },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 'metrics' }] }],
        }, ['ingress', 'podSelector.NotIn', 'namespaceSelector.matchLabels', 'named-port']);
        break;
      case 4: {
        const block = rng.pick(IP_BLOCKS);
        const start = rng.pick([30000, 31000, 32000]);
        policy(ns.name, name, {
          podSelector: sel,
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ ipBlock: block }], ports: [{ port: rng.pick([443, 8443]) }, { port: start, endPort: start + rng.pick([10, 100, 767]) }] }],
        }, ['ingress', 'ipBlock', ...(block.except ? ['ipBlock.except'] : []), ...(block.cidr.includes(':') ? ['ipBlock.IPv6'] : []), 'numeric-port', 'endPort'], true);
        break;
      }
      case 5:
        policy(ns.name, name, {
          podSelector: sel,
          policyTypes: ['Egress'],
          egress: [
            { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'db' } } }], ports: [{ port: 'postgres' }] },
            { to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'cache' } } }], ports: [{ port: 6379 }] },
            { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_EXCEPT } }], ports: [{ port: 443 }] },
          ],
        }, ['egress', 'podSelector.matchLabels', 'namespaceSelector.empty', 'AND-peer', 'named-port', 'numeric-port', 'ipBlock', 'ipBlock.except']);
        break;
      case 6:
        policy(ns.name, name, {
          podSelector: { matchLabels: { 'app.kubernetes.io/name': w.app.app }, matchExpressions: [{ key: 'release', operator: 'DoesNotExist' }] },
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: [
                { namespaceSelector: { matchExpressions: [{ key: 'compliance', operator: 'Exists' }] } },
                {
                  namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }, { key: 'compliance', operator: 'DoesNotExist' }] },
                  podSelector: { matchExpressions: [{ key: 'release', operator: 'Exists' }] },
                },
              ],
            },
          ],
        }, ['ingress', 'podSelector.DoesNotExist', 'podSelector.Exists', 'namespaceSelector.Exists', 'namespaceSelector.NotIn', 'namespaceSelector.DoesNotExist', 'OR-peers', 'AND-peer', 'ports-omitted'], true);
        break;
      case 7:
        policy(ns.name, name, {
          podSelector: sel,
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: [{ podSelector: {} }],
              ports: [{ protocol: 'UDP', port: 5060 }, { protocol: 'SCTP', port: 3868 }, { protocol: 'UDP', port: 'dns' }, { protocol: 'SCTP', port: 'diameter' }],
            },
          ],
        }, ['ingress', 'podSelector.empty', 'UDP', 'SCTP', 'named-port', 'numeric-port'], true);
        break;
      case 8: {
        const start = rng.pick([8080, 9000]);
        policy(ns.name, name, {
          podSelector: sel,
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: ns.labels.team!, env: ns.labels.env! } } }], ports: [{ port: start, endPort: start + 10 }] }],
          egress: [
            { to: [{ namespaceSelector: {}, podSelector: { matchLabels: { tier: 'backend' } } }], ports: [{ protocol: 'TCP' }] },
            { to: [{ ipBlock: rng.pick(IP_BLOCKS) }] },
          ],
        }, ['ingress', 'egress', 'namespaceSelector.matchLabels', 'endPort', 'protocol-only-port', 'AND-peer', 'ipBlock', 'ports-omitted'], true);
        break;
      }
    }
  }
  objects.push(...policies);

  return {
    spec,
    settings: BENCH_SETTINGS,
    objects,
    changeable,
    stats: {
      namespaces: nsCount + 2,
      nodes: nodeCount,
      workloads: workloadCounts,
      pods: spec.pods - remaining,
      policies: policies.length,
      features,
    },
  };
}

/**
 * A changed copy of a policy (for "one policy change → snapshot"): its first ingress rule gets an
 * extra numeric port that depends on `iteration`, so every iteration is a real change.
 */
export function changedPolicy(policy: ClusterObjectInput, iteration: number): ClusterObjectInput {
  return { apiVersion: policy.apiVersion, kind: policy.kind, metadata: { name: policy.metadata.name, namespace: policy.metadata.namespace }, spec: withExtraIngressPort(policy.spec, iteration) };
}

/** A copy of a NetworkPolicy spec whose first ingress rule has one more port (20000 + `iteration`). */
export function withExtraIngressPort<S>(spec: S, iteration: number): S {
  const copy = structuredClone(spec) as S & { ingress?: Array<{ ports?: unknown[] }> };
  const rule = copy.ingress?.[0];
  if (!rule) throw new Error('a policy change needs a policy with an ingress rule');
  rule.ports = [...(rule.ports ?? [{ protocol: 'TCP' }]), { port: 20000 + iteration }];
  return copy;
}

/** Parses `1k`, `10k`, `100k`, `2500`, `1m`. */
export function parseCount(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!m) throw new Error(`not a count: ${text}`);
  const mult = m[2]!.toLowerCase() === 'k' ? 1000 : m[2]!.toLowerCase() === 'm' ? 1_000_000 : 1;
  return Math.round(Number(m[1]) * mult);
}

export const formatCount = (n: number): string => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));
