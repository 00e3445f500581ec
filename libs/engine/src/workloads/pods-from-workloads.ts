import { asRecord, type ClusterObjectInput, type ComputeSettings } from './cluster-objects';
import { PodAddressPool } from './pod-addresses';
import { nameSuffix } from './stable-hash';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol: Protocol;
}

/** A pod of the model: imported as a Pod, or made from a workload's template. */
export interface ModelPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ips: string[];
  nodeName?: string;
  hostname?: string;
  subdomain?: string;
  containerPorts: ContainerPort[];
  /** The workload that owns the pod (a Deployment rather than its ReplicaSet), or the Pod itself. */
  owner: { kind: string; name: string };
  ready: boolean;
  /** True when made from a workload's template rather than imported. */
  fromTemplate: boolean;
}

/** A pod's workload as the peer analyzer names it in connection lists: `ns/name[Kind]`. */
export const workloadName = (pod: Pick<ModelPod, 'namespace' | 'owner'>): string => `${pod.namespace}/${pod.owner.name}[${pod.owner.kind}]`;

export const WORKLOAD_KINDS = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController'] as const;

interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec?: PodSpecLike;
}

interface PodSpecLike {
  containers?: ReadonlyArray<{ ports?: ReadonlyArray<{ name?: string; containerPort?: number; protocol?: string }> }>;
  initContainers?: PodSpecLike['containers'];
  nodeName?: string;
  hostname?: string;
  subdomain?: string;
}

function containerPorts(spec: PodSpecLike | undefined): ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const container of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
    for (const port of container.ports ?? []) {
      if (typeof port.containerPort !== 'number') continue;
      const protocol = (port.protocol ?? 'TCP').toUpperCase() as Protocol;
      out.push({ ...(port.name ? { name: port.name } : {}), containerPort: port.containerPort, protocol });
    }
  }
  return out;
}

function templateOf(workload: ClusterObjectInput): PodTemplate | undefined {
  const spec = asRecord(workload.spec);
  if (workload.kind === 'CronJob') return asRecord(asRecord(asRecord(spec.jobTemplate).spec).template) as PodTemplate;
  return spec.template ? (spec.template as PodTemplate) : undefined;
}

function replicasOf(workload: ClusterObjectInput, nodeCount: number): number {
  const spec = asRecord(workload.spec);
  switch (workload.kind) {
    case 'DaemonSet':
      // One per node; a cluster described without nodes still shows the DaemonSet's pod once.
      return Math.max(nodeCount, 1);
    case 'Job':
      return typeof spec.parallelism === 'number' ? spec.parallelism : 1;
    case 'CronJob': {
      const job = asRecord(asRecord(spec.jobTemplate).spec);
      return typeof job.parallelism === 'number' ? job.parallelism : 1;
    }
    default:
      return typeof spec.replicas === 'number' ? spec.replicas : 1;
  }
}

function podIps(status: unknown): string[] {
  const s = asRecord(status);
  const ips = Array.isArray(s.podIPs) ? s.podIPs.map((p) => asRecord(p).ip).filter((ip): ip is string => typeof ip === 'string' && ip !== '') : [];
  if (ips.length === 0 && typeof s.podIP === 'string' && s.podIP !== '') ips.push(s.podIP);
  return ips;
}

function isReady(status: unknown): boolean {
  const conditions = asRecord(status).conditions;
  if (!Array.isArray(conditions)) return true; // Described, not imported: assume it runs.
  const ready = conditions.map(asRecord).find((c) => c.type === 'Ready');
  return ready ? ready.status === 'True' : true;
}

const key = (namespace: string, kind: string, name: string) => `${namespace}/${kind}/${name}`;

/**
 * Every pod of the cluster: imported Pods as they are, plus pods made from workloads whose pods
 * were not imported. Owners resolve through ReplicaSets to their Deployment (and Jobs to their
 * CronJob), as the peer analyzer names them.
 */
export function podsOfCluster(objects: readonly ClusterObjectInput[], settings: ComputeSettings): ModelPod[] {
  const nodeRanges = objects
    .filter((o) => o.kind === 'Node')
    .map((o) => ({ name: o.metadata.name, podCidr: asRecord(o.spec).podCIDR as string | undefined }));
  const nodes = nodeRanges.map((n) => n.name).sort();
  const workloads = new Map<string, ClusterObjectInput>();
  for (const o of objects) {
    if ((WORKLOAD_KINDS as readonly string[]).includes(o.kind)) workloads.set(key(o.metadata.namespace ?? 'default', o.kind, o.metadata.name), o);
  }
  const controllerOf = (o: ClusterObjectInput) => o.metadata.ownerReferences?.find((r) => r.controller) ?? o.metadata.ownerReferences?.[0];
  /** Follows owner references up through workloads that are present (or known by name). */
  const topOwner = (namespace: string, kind: string, name: string): { kind: string; name: string } => {
    let current = { kind, name };
    for (let depth = 0; depth < 4; depth++) {
      const object = workloads.get(key(namespace, current.kind, current.name));
      const ref = object ? controllerOf(object) : undefined;
      if (ref?.kind && ref.name && (WORKLOAD_KINDS as readonly string[]).includes(ref.kind)) current = { kind: ref.kind, name: ref.name };
      else if (!object && current.kind === 'ReplicaSet' && /-[a-z0-9]{5,10}$/.test(current.name)) {
        // An exported pod names its ReplicaSet, whose Deployment is its name less the hash.
        const deployment = current.name.replace(/-[a-z0-9]{5,10}$/, '');
        if (workloads.has(key(namespace, 'Deployment', deployment))) current = { kind: 'Deployment', name: deployment };
        break;
      } else break;
    }
    return current;
  };

  /**
   * The peer analyzer's naming: a workload owner is followed up (ReplicaSet → Deployment); an
   * owner reference without a kind still groups pods under the owner's name, as `[Pod]`; an
   * owner of another kind (a Node owns static pods) leaves the pod named as itself.
   */
  const podOwner = (o: ClusterObjectInput, namespace: string): { kind: string; name: string } => {
    const ref = controllerOf(o);
    if (ref?.name && ref.kind && (WORKLOAD_KINDS as readonly string[]).includes(ref.kind)) return topOwner(namespace, ref.kind, ref.name);
    if (ref?.name && !ref.kind) return { kind: 'Pod', name: ref.name };
    return { kind: 'Pod', name: o.metadata.name };
  };

  const pods: ModelPod[] = [];
  const expanded = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'Pod') continue;
    const namespace = o.metadata.namespace ?? 'default';
    const owner = podOwner(o, namespace);
    if (owner.kind !== 'Pod') expanded.add(key(namespace, owner.kind, owner.name));
    const spec = asRecord(o.spec) as PodSpecLike;
    pods.push({
      namespace,
      name: o.metadata.name,
      labels: { ...(o.metadata.labels ?? {}) },
      ips: podIps(o.status),
      ...(spec.nodeName ? { nodeName: spec.nodeName } : {}),
      ...(spec.hostname ? { hostname: spec.hostname } : {}),
      ...(spec.subdomain ? { subdomain: spec.subdomain } : {}),
      containerPorts: containerPorts(spec),
      owner,
      ready: isReady(o.status),
      fromTemplate: false,
    });
  }

  for (const workload of workloads.values()) {
    const namespace = workload.metadata.namespace ?? 'default';
    const owner = topOwner(namespace, workload.kind, workload.metadata.name);
    // A workload owned by another present workload is expanded through its owner only.
    if (owner.kind !== workload.kind || owner.name !== workload.metadata.name) continue;
    if (expanded.has(key(namespace, workload.kind, workload.metadata.name))) continue;
    const template = templateOf(workload);
    if (!template) continue;
    const spec = template.spec;
    const count = replicasOf(workload, nodes.length);
    const hash = nameSuffix(`${namespace}/${workload.kind}/${workload.metadata.name}`, 9);
    for (let i = 0; i < count; i++) {
      const name =
        workload.kind === 'StatefulSet'
          ? `${workload.metadata.name}-${i}`
          : workload.kind === 'DaemonSet'
            ? `${workload.metadata.name}-${nameSuffix(`${hash}/${nodes[i] ?? i}`, 5)}`
            : `${workload.metadata.name}-${workload.kind === 'Deployment' ? `${hash}-` : ''}${nameSuffix(`${hash}/${i}`, 5)}`;
      const statefulSet = asRecord(workload.spec);
      pods.push({
        namespace,
        name,
        labels: { ...(template.metadata?.labels ?? {}) },
        ips: [],
        ...(workload.kind === 'DaemonSet' && nodes[i] ? { nodeName: nodes[i] } : spec?.nodeName ? { nodeName: spec.nodeName } : {}),
        ...(workload.kind === 'StatefulSet'
          ? { hostname: name, ...(typeof statefulSet.serviceName === 'string' ? { subdomain: statefulSet.serviceName } : {}) }
          : {}),
        containerPorts: containerPorts(spec),
        owner,
        ready: true,
        fromTemplate: true,
      });
    }
  }

  assignAddresses(pods, settings.podCidr, nodeRanges);
  return pods.sort((a, b) => (a.namespace === b.namespace ? a.name.localeCompare(b.name) : a.namespace.localeCompare(b.namespace)));
}

/** Pods keep imported addresses; the others get a stable one from their node's range. */
function assignAddresses(pods: ModelPod[], podCidr: string, nodes: readonly { name: string; podCidr?: string }[]): void {
  const pool = new PodAddressPool(podCidr, nodes);
  for (const pod of pods) for (const ip of pod.ips) pool.reserve(ip);
  const unaddressed = pods.filter((p) => p.ips.length === 0).sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  // A pod CIDR with no address left leaves the pod without one (the model says so) rather than failing.
  for (const pod of unaddressed) {
    const ip = pool.tryAllocate(`${pod.namespace}/${pod.name}`, pod.nodeName);
    pod.ips = ip ? [ip] : [];
  }
}
